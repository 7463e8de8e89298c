package dev.airbag.core.routing;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.RouterSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Resolves a requested model group to its tier chain: the group itself, then its {@code fallbacks}
 * (or {@code default_fallbacks}), and the separate chain used when a prompt is over a context
 * window. Built once from the config, every group's chain resolved up front (a request only looks
 * it up); immutable and safe to share.
 */
public final class TierPlan {

  private final Map<String, List<Deployment>> groups;
  private final RouterSettings router;
  private final Map<String, List<Tier>> chains;

  public TierPlan(GatewayConfig config) {
    this.groups = config.modelGroups();
    this.router = config.router();
    Map<String, List<Tier>> resolved = new HashMap<>();
    groups.keySet().forEach(group -> resolved.put(group, resolve(group)));
    this.chains = Map.copyOf(resolved);
  }

  public Set<String> modelGroups() {
    return groups.keySet();
  }

  /** The chain for a requested model group, or empty when no such group exists. */
  public Optional<List<Tier>> chainFor(String modelGroup) {
    return Optional.ofNullable(chains.get(modelGroup));
  }

  private List<Tier> resolve(String modelGroup) {
    Set<String> names = new LinkedHashSet<>();
    names.add(modelGroup);
    names.addAll(router.fallbacks().getOrDefault(modelGroup, router.defaultFallbacks()));
    List<Tier> chain = new ArrayList<>();
    for (String group : names) {
      chain.add(new Tier(Tier.nameAt(chain.size()), group, groups.get(group)));
    }
    return List.copyOf(chain);
  }

  /**
   * The tiers to try when {@code failedGroup} reported its context window exceeded, or empty when
   * it has no {@code context_window_fallbacks} entry. A group keeps the name it has in {@code
   * mainChain}, so the seed's tertiary serving a long prompt is still reported as {@code tertiary}.
   */
  public List<Tier> contextChainFor(String failedGroup, List<Tier> mainChain) {
    List<String> targets = router.contextWindowFallbacks().getOrDefault(failedGroup, List.of());
    List<Tier> chain = new ArrayList<>();
    for (String group : targets) {
      String name =
          mainChain.stream()
              .filter(t -> t.modelGroup().equals(group))
              .map(Tier::name)
              .findFirst()
              .orElse("context-" + (chain.size() + 1));
      chain.add(new Tier(name, group, groups.get(group)));
    }
    return List.copyOf(chain);
  }
}
