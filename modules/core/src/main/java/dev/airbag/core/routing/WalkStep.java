package dev.airbag.core.routing;

import dev.airbag.core.outcome.Outcome;
import java.util.Optional;

/** What a request's walk down its chain does next: the router's rules, apart from its calls. */
public enum WalkStep {
  /** A deployment answered: serve it. */
  SERVE,
  /** The caller's own mistake: give it back as it is, try nobody else. */
  REFUSE,
  /** The prompt is over the model's context window: go on in the context-window chain instead. */
  CONTEXT_CHAIN,
  /** Try the next candidate. */
  NEXT,
  /** Every candidate failed on a prompt too long for it: the caller's to fix, not an outage. */
  REFUSE_TOO_LONG,
  /** Every candidate failed: rung 3. */
  CANNED;

  /**
   * After a call ended as {@code outcome}; {@code contextChainAvailable} when the failing tier has
   * a context-window chain this request has not jumped to yet.
   */
  public static WalkStep after(Outcome outcome, boolean contextChainAvailable) {
    if (outcome == Outcome.SUCCESS) {
      return SERVE;
    }
    if (!outcome.movesOn()) {
      return REFUSE;
    }
    if (outcome == Outcome.CONTEXT_WINDOW_EXCEEDED && contextChainAvailable) {
      return CONTEXT_CHAIN;
    }
    return NEXT;
  }

  /** When no candidate is left (or the deadline passed), given how the last call ended. */
  public static WalkStep whenExhausted(Optional<Outcome> last) {
    return last.filter(o -> o == Outcome.CONTEXT_WINDOW_EXCEEDED).isPresent()
        ? REFUSE_TOO_LONG
        : CANNED;
  }
}
