package dev.airbag.core.routing;

import dev.airbag.core.config.Deployment;
import java.util.List;

/**
 * One rung of a request's chain: a model group and its deployments, named by its place in the chain
 * ({@code primary}, {@code secondary}, ...). The name is what {@code x-airbag-tier} and {@code
 * fallback.tier} report.
 */
public record Tier(String name, String modelGroup, List<Deployment> deployments) {

  private static final List<String> ORDINALS =
      List.of("primary", "secondary", "tertiary", "quaternary", "quinary", "senary");

  /** The name of the tier at a 0-based position in the chain. */
  public static String nameAt(int index) {
    return index < ORDINALS.size() ? ORDINALS.get(index) : "tier-" + (index + 1);
  }
}
