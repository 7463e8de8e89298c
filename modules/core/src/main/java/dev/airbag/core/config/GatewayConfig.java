package dev.airbag.core.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A whole, validated gateway config: built once at start, never changed.
 *
 * @param source the file it came from, for messages
 * @param warnings settings that were read but that Airbag does not act on, named
 */
public record GatewayConfig(
    String source,
    List<Deployment> deployments,
    RouterSettings router,
    AirbagSettings airbag,
    List<String> warnings) {

  /** Model groups in declared order, each with its deployments in declared order. */
  public Map<String, List<Deployment>> modelGroups() {
    Map<String, List<Deployment>> groups = new LinkedHashMap<>();
    for (Deployment d : deployments) {
      groups.computeIfAbsent(d.modelGroup(), k -> new java.util.ArrayList<>()).add(d);
    }
    groups.replaceAll((k, v) -> List.copyOf(v));
    return groups;
  }

  /**
   * Who judges a deployment's answers: the first deployment of the {@code airbag.judge.by} groups,
   * in order, whose provider is not the judged one's. Empty when judging is off (no {@code by}).
   */
  public Optional<Deployment> judgeFor(Deployment judged) {
    Map<String, List<Deployment>> groups = modelGroups();
    return airbag.judge().by().stream()
        .flatMap(g -> groups.getOrDefault(g, List.of()).stream())
        .filter(j -> j.provider() != judged.provider())
        .findFirst();
  }

  public Optional<Deployment> deployment(String id) {
    return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
  }
}
