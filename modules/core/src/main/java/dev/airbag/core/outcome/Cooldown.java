package dev.airbag.core.outcome;

import dev.airbag.core.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * LiteLLM's {@code allowed_fails} / {@code cooldown_time} for one deployment: a deployment whose
 * failures in the last minute exceed {@code allowed_fails} is benched for {@code cooldown_time}. A 429's
 * {@code retry-after} benches it until then. Not thread-safe: owned by the deployment's verticle.
 */
public final class Cooldown {

  static final long WINDOW_MILLIS = Duration.ofMinutes(1).toMillis();

  private final int allowedFails;
  private final long cooldownMillis;
  private final Clock clock;
  private final ArrayDeque<Long> failureTimes = new ArrayDeque<>();
  private long benchedUntil;

  public Cooldown(int allowedFails, Duration cooldown, Clock clock) {
    if (allowedFails < 0) {
      throw new IllegalArgumentException("allowedFails must be >= 0");
    }
    this.allowedFails = allowedFails;
    this.cooldownMillis = cooldown.toMillis();
    this.clock = clock;
  }

  /** Whether calls must skip this deployment now. */
  public boolean isBenched() {
    return clock.nowMillis() < benchedUntil;
  }

  /** Epoch millis until which the deployment is benched; in the past when it is not. */
  public long benchedUntilMillis() {
    return benchedUntil;
  }

  /** Records a failure that counts against the provider; returns true if it benched the deployment. */
  public boolean recordFailure() {
    long now = clock.nowMillis();
    failureTimes.addLast(now);
    while (!failureTimes.isEmpty() && failureTimes.peekFirst() <= now - WINDOW_MILLIS) {
      failureTimes.removeFirst();
    }
    if (failureTimes.size() > allowedFails) {
      failureTimes.clear();
      benchUntil(now + cooldownMillis);
      return true;
    }
    return false;
  }

  /** Benches the deployment until the given time (a provider's retry-after), never shortening a bench. */
  public void benchUntil(long epochMillis) {
    benchedUntil = Math.max(benchedUntil, epochMillis);
  }
}
