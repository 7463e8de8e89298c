package dev.airbag.core.breaker;

/** The breaker's answer to "may I call this deployment now?". */
public enum Permit {
  /** Call it. */
  CALL,
  /** Call it: this is the one probe of HALF_OPEN, whose result decides the ramp. */
  PROBE,
  /** Do not call it; move on to the next tier. */
  REJECT;

  public boolean allowed() {
    return this != REJECT;
  }
}
