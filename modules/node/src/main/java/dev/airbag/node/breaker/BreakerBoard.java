package dev.airbag.node.breaker;

import dev.airbag.core.config.Deployment;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's latest {@link BreakerView} of every deployment. Each deployment's verticle is the
 * only writer of its entry; the request path on every event loop reads it, so the healthy path
 * (CLOSED) and the benched one (OPEN) cost no message and no hop to another thread.
 */
public final class BreakerBoard {

  private final Map<String, BreakerView> views = new ConcurrentHashMap<>();

  public BreakerBoard(Collection<Deployment> deployments) {
    deployments.forEach(d -> views.put(d.id(), BreakerView.INITIAL));
  }

  public BreakerView view(String deployment) {
    return views.get(deployment);
  }

  void publish(String deployment, BreakerView view) {
    views.put(deployment, view);
  }
}
