package dev.airbag.core.outcome;

/**
 * What became of one call to a provider, in the terms the router decides on. Every provider error,
 * whatever its wire shape, is mapped to exactly one of these.
 */
public enum Outcome {
  SUCCESS(false, false, false),
  /** Connection refused, reset or closed before a whole answer arrived. */
  CONNECT_FAILURE(true, false, true),
  /**
   * No answer within the per-call timeout, including a connection that accepts and never answers.
   */
  TIMEOUT(true, false, true),
  /** 5xx (and Anthropic's 529 overloaded). */
  SERVER_ERROR(true, true, true),
  /** 429: retried in place when its retry-after fits the budget, else failed over. */
  RATE_LIMITED(true, true, true),
  /** 401/403 or a provider's own invalid-key shape: a broken or revoked key. */
  AUTH_FAILURE(true, false, true),
  /** The prompt is over the model's context window: the context-window fallbacks take over. */
  CONTEXT_WINDOW_EXCEEDED(false, false, true),
  /** Any other 4xx: the caller's mistake, returned to the caller; never fails over. */
  CLIENT_ERROR(false, false, false),
  /** Not called at all: the deployment is benched (cooldown or open breaker). */
  BENCHED(false, false, true);

  private final boolean countsAgainstProvider;
  private final boolean retriedInPlace;
  private final boolean movesOn;

  Outcome(boolean countsAgainstProvider, boolean retriedInPlace, boolean movesOn) {
    this.countsAgainstProvider = countsAgainstProvider;
    this.retriedInPlace = retriedInPlace;
    this.movesOn = movesOn;
  }

  /** Whether this outcome is the provider's fault and so feeds its cooldown and breaker. */
  public boolean countsAgainstProvider() {
    return countsAgainstProvider;
  }

  /**
   * Whether this outcome is a call the provider answered or failed: a success, or its fault. A
   * benched skip and the caller's own error say nothing of the provider and count in no window.
   */
  public boolean countsAsCall() {
    return this == SUCCESS || countsAgainstProvider;
  }

  /**
   * Whether the same deployment is tried again before moving on. Timeouts are not: a hang must cost
   * the user one per-call timeout, not the timeout times (num_retries + 1).
   */
  public boolean retriedInPlace() {
    return retriedInPlace;
  }

  /** Whether the router moves on to another deployment or tier after this outcome. */
  public boolean movesOn() {
    return movesOn;
  }

  /** The label used in headers, metrics and logs. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
