package dev.airbag.node;

import dev.airbag.core.time.Clock;
import dev.airbag.core.time.SystemClock;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How a node starts, beyond its config file.
 *
 * @param httpPort overrides {@code airbag.http_port}; 0 picks a free port
 * @param apiInstances API verticle instances sharing the port (one per event loop is the fast
 *     default)
 * @param random uniform in [0, 1): the breakers' cooldown jitter
 * @param registry where the node's metrics go: the one its Vert.x reports to, when it was built
 *     with one ({@link NodeMetrics#builder}); else a registry of the node's own
 * @param openTelemetry where spans go; else what {@code airbag.tracing} says (nothing, by default)
 */
public record NodeOptions(
    String host,
    OptionalInt httpPort,
    Clock clock,
    int apiInstances,
    DoubleSupplier random,
    Optional<PrometheusMeterRegistry> registry,
    Optional<OpenTelemetry> openTelemetry) {

  public static NodeOptions defaults() {
    return new NodeOptions(
        "0.0.0.0",
        OptionalInt.empty(),
        SystemClock.INSTANCE,
        Math.max(1, Runtime.getRuntime().availableProcessors()),
        () -> ThreadLocalRandom.current().nextDouble(),
        Optional.empty(),
        Optional.empty());
  }

  /**
   * For tests: loopback, a free port, the given clock, no jitter (cooldowns last exactly as
   * configured).
   */
  public static NodeOptions loopback(Clock clock) {
    return new NodeOptions(
        "127.0.0.1", OptionalInt.of(0), clock, 2, () -> 0.5, Optional.empty(), Optional.empty());
  }

  public NodeOptions withHttpPort(int port) {
    return new NodeOptions(
        host, OptionalInt.of(port), clock, apiInstances, random, registry, openTelemetry);
  }

  public NodeOptions withHost(String h) {
    return new NodeOptions(h, httpPort, clock, apiInstances, random, registry, openTelemetry);
  }

  public NodeOptions withRegistry(PrometheusMeterRegistry r) {
    return new NodeOptions(
        host, httpPort, clock, apiInstances, random, Optional.of(r), openTelemetry);
  }

  public NodeOptions withOpenTelemetry(OpenTelemetry otel) {
    return new NodeOptions(
        host, httpPort, clock, apiInstances, random, registry, Optional.of(otel));
  }
}
