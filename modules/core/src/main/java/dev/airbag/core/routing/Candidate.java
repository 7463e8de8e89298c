package dev.airbag.core.routing;

import dev.airbag.core.config.Deployment;
import java.util.ArrayList;
import java.util.List;

/** One deployment of one tier, in the order a request will try it. */
public record Candidate(Tier tier, Deployment deployment) {

  /**
   * The order a request tries a chain in: tier by tier, and within each tier its deployments
   * starting at {@code rotation} (mod the tier's size), so consecutive requests spread a tier's
   * load over its deployments while every request still reaches every deployment.
   */
  public static List<Candidate> inOrder(List<Tier> chain, int rotation) {
    List<Candidate> out = new ArrayList<>();
    for (Tier tier : chain) {
      int n = tier.deployments().size();
      for (int i = 0; i < n; i++) {
        out.add(new Candidate(tier, tier.deployments().get(Math.floorMod(rotation + i, n))));
      }
    }
    return out;
  }
}
