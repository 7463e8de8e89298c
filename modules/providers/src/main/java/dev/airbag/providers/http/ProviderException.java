package dev.airbag.providers.http;

import dev.airbag.core.outcome.Outcome;
import java.util.OptionalLong;

/**
 * A provider call that did not succeed, classified. The message is safe to show: keys are scrubbed
 * from anything the provider echoed. No stack trace: these are expected, frequent and cheap.
 *
 * @see Outcome
 */
public final class ProviderException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final Outcome outcome;
  private final int status;
  private final long retryAfterMillis;

  public ProviderException(Outcome outcome, int status, String message, long retryAfterMillis) {
    super(message, null, false, false);
    this.outcome = outcome;
    this.status = status;
    this.retryAfterMillis = retryAfterMillis;
  }

  public ProviderException(Outcome outcome, String message) {
    this(outcome, 0, message, -1);
  }

  public Outcome outcome() {
    return outcome;
  }

  /** The provider's HTTP status, or 0 when no response arrived. */
  public int status() {
    return status;
  }

  /** The provider's {@code retry-after}, when it sent one. */
  public OptionalLong retryAfterMillis() {
    return retryAfterMillis < 0 ? OptionalLong.empty() : OptionalLong.of(retryAfterMillis);
  }
}
