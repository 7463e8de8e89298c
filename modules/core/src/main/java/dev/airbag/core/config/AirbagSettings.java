package dev.airbag.core.config;

import dev.airbag.core.quality.AnswerCheck;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Airbag's own settings, all under the top-level key {@code airbag:}; every one has a default.
 *
 * @param callTimeout per-call timeout for deployments with none in {@code litellm_params} or {@code
 *     router_settings} (LiteLLM waits 600 s; a failover gateway should not)
 * @param requestTimeout the whole request's deadline across every tier and retry
 * @param maxRequestBytes larger request bodies are refused with 413
 * @param checks the cheap answer checks that run on every answer ({@code airbag.checks}, all on by
 *     default)
 * @param drills the scheduled drill ({@code airbag.drills}); none by default
 * @param tracing OpenTelemetry export ({@code airbag.tracing}), off by default
 * @param stalledClientTimeout how long a streaming client may read nothing while the node holds its
 *     answer back (the provider's stream paused) before the node cuts it off
 */
public record AirbagSettings(
    int httpPort,
    Optional<Secret> adminKey,
    BreakerSettings breaker,
    JudgeSettings judge,
    CannedSettings canned,
    DrillSettings drills,
    Duration callTimeout,
    Duration requestTimeout,
    int maxRequestBytes,
    Set<AnswerCheck> checks,
    TracingSettings tracing,
    Duration stalledClientTimeout) {

  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(120);
  public static final int DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  public static final Duration DEFAULT_STALLED_CLIENT_TIMEOUT = Duration.ofSeconds(30);
}
