package dev.airbag.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of LiteLLM's {@code router_settings} that Airbag acts on, with LiteLLM's defaults.
 *
 * @param fallbacks model group to the groups tried after it, in order
 * @param contextWindowFallbacks model group to the groups tried when its prompt is over the context
 *     window
 * @param defaultFallbacks tried after any group that has no entry of its own in {@code fallbacks}
 * @param allowedFails failures a deployment may have in a minute; one more benches it (LiteLLM's
 *     rule)
 * @param cooldownTime how long a deployment that exceeded {@code allowedFails} is benched
 * @param numRetries retries in place of a 429 or 5xx before moving on
 * @param timeout per-call timeout for deployments that set none
 */
public record RouterSettings(
    Map<String, List<String>> fallbacks,
    Map<String, List<String>> contextWindowFallbacks,
    List<String> defaultFallbacks,
    int allowedFails,
    Duration cooldownTime,
    int numRetries,
    Optional<Duration> timeout) {

  /** LiteLLM's default {@code allowed_fails}. */
  public static final int DEFAULT_ALLOWED_FAILS = 3;

  /** LiteLLM's default {@code cooldown_time}. */
  public static final Duration DEFAULT_COOLDOWN_TIME = Duration.ofSeconds(5);

  public static final int DEFAULT_NUM_RETRIES = 0;
}
