package dev.airbag.core.config;

import java.time.Duration;
import java.util.Optional;

/**
 * One entry of {@code model_list}: a provider and model reachable with one key. Breakers, cooldowns
 * and provider verticles are per deployment; fallbacks name model groups, which hold one or more
 * deployments.
 *
 * @param id unique name: {@code model_info.id} if given, else the model group, suffixed {@code -2},
 *     {@code -3} ... when a group holds several deployments
 * @param modelGroup LiteLLM's {@code model_name}: what callers put in {@code model}
 * @param apiKey absent for hosts that need none
 * @param apiBase the base URL; the provider's public endpoint when not configured
 * @param timeout the per-call timeout
 */
public record Deployment(
    String id,
    String modelGroup,
    ProviderKind provider,
    String model,
    Optional<Secret> apiKey,
    String apiBase,
    Duration timeout,
    BreakerSettings breaker) {

  /** This deployment presenting another key: what a failover drill calls it with. */
  public Deployment withApiKey(Secret key) {
    return new Deployment(
        id, modelGroup, provider, model, Optional.of(key), apiBase, timeout, breaker);
  }
}
