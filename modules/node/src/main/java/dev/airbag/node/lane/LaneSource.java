package dev.airbag.node.lane;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.Secret;
import dev.airbag.core.time.Clock;
import dev.airbag.node.breaker.BreakerBoard;
import dev.airbag.node.drill.DrillOverride;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.telemetry.MinuteCounters;
import dev.airbag.node.telemetry.NodeMetrics;
import dev.airbag.node.telemetry.NodeTracing;
import dev.airbag.providers.WireFormats;
import dev.airbag.providers.http.ProviderClient;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * What a verticle that calls providers needs to open its own {@link ProviderLane}s: the node's
 * config, clock, randomness, breaker and drill boards, metrics, the dashboard's minute figures and
 * tracing. Each verticle opens its lanes once, in {@code start()}.
 */
public record LaneSource(
    GatewayConfig config,
    Clock clock,
    DoubleSupplier random,
    BreakerBoard board,
    DrillsInForce drills,
    NodeMetrics metrics,
    MinuteCounters minutes,
    NodeTracing tracing) {

  /**
   * Lanes to every deployment for the calling verticle's context, sharing one HTTP client made
   * there, so their connections live on that context's event loop and a call never changes thread.
   */
  public Map<String, ProviderLane> open(Vertx vertx) {
    HttpClient http = ProviderClient.newHttpClient(vertx);
    Map<String, ProviderLane> lanes = new LinkedHashMap<>();
    for (Deployment d : config.deployments()) {
      lanes.put(
          d.id(),
          new ProviderLane(
              vertx,
              WireFormats.client(vertx, http, clock, d),
              WireFormats.client(
                  vertx, http, clock, d.withApiKey(Secret.of(DrillOverride.BROKEN_KEY))),
              d,
              config.router(),
              config.airbag().judge(),
              config.airbag().checks(),
              clock,
              random,
              board,
              drills,
              metrics,
              minutes,
              tracing));
    }
    return Map.copyOf(lanes);
  }
}
