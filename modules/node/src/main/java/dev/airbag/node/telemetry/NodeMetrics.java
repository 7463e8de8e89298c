package dev.airbag.node.telemetry;

import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The node's Prometheus metrics, all under {@code airbag_}. Labels carry deployment, provider,
 * model group, tier, outcome and breaker names only: never a key, a prompt or an answer. Meters are
 * looked up once and cached, so counting on the request path is an increment. Thread-safe.
 *
 * <p>The same registry takes Vert.x's own metrics (HTTP server and client, event bus, pools) when
 * the node's Vert.x was built with it ({@link #builder}), and the JVM's.
 */
public final class NodeMetrics {

  private final PrometheusMeterRegistry registry;
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Map<String, Counter>> served = new ConcurrentHashMap<>();

  /**
   * Series carry no node label: Prometheus adds each scraped node's {@code instance}, and {@code
   * airbag_node_info{node="..."} 1} maps it to the node's cluster id.
   */
  public NodeMetrics(PrometheusMeterRegistry registry, String node) {
    this.registry = registry;
    Gauge.builder("airbag.node.info", () -> 1)
        .description("This node's cluster id, as a label")
        .tag("node", node)
        .register(registry);
  }

  /**
   * A registry with the JVM's metrics bound; give it to {@link #builder} before the node's Vert.x
   * exists.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    return registry;
  }

  /**
   * A node's Vert.x builder: Linux's native epoll transport where Netty has it for the platform
   * (Java NIO elsewhere), and Vert.x's own metrics reported to {@code registry} when there is one.
   */
  public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    options.setPreferNativeTransport(true);
    if (registry == null) {
      return Vertx.builder().with(options);
    }
    options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  /**
   * {@code airbag_cluster_members}: the members this node sees; a node that sees fewer than its
   * peers is cut off.
   */
  public void clusterMembers(java.util.function.IntSupplier members) {
    Gauge.builder("airbag.cluster.members", members::getAsInt)
        .strongReference(true)
        .description("Cluster members as this node sees them")
        .register(registry);
  }

  /**
   * Hazelcast's own figures for the clustered maps Airbag keeps (Micrometer's {@code cache_*}
   * series, tagged {@code cache=<map>}): entries and memory this member owns and backs up, gets,
   * puts and their latency.
   */
  public void clusterMaps(
      com.hazelcast.core.HazelcastInstance hazelcast, java.util.List<String> maps) {
    maps.forEach(
        name ->
            io.micrometer.core.instrument.binder.cache.HazelcastCacheMetrics.monitor(
                registry, hazelcast.getMap(name)));
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Provider calls to {@code d} that ended as {@code outcome}; callers keep it (an increment per
   * call).
   */
  public Counter calls(Deployment d, Outcome outcome) {
    return Counter.builder("airbag.provider.calls")
        .description("Provider calls by outcome class")
        .tag("deployment", d.id())
        .tag("provider", d.provider().prefix())
        .tag("outcome", label(outcome.name()))
        .register(registry);
  }

  /**
   * Latency of calls to {@code d}, failures included, as a Prometheus histogram; callers keep it.
   */
  public Timer callDuration(Deployment d) {
    return Timer.builder("airbag.provider.call.duration")
        .description("Provider call latency, failures included")
        .tag("deployment", d.id())
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofMinutes(2))
        .register(registry);
  }

  /**
   * {@code airbag_event_loop_delay_seconds{loop}}: how late each API event loop runs its {@link
   * EventLoopDelay} timer.
   */
  public Timer eventLoopDelay(String loop) {
    return Timer.builder("airbag.event.loop.delay")
        .description(
            "How late an API event loop ran a timer due every 20 ms: every request on it waited as long")
        .tag("loop", loop)
        .serviceLevelObjectives(
            Duration.ofMillis(1),
            Duration.ofMillis(5),
            Duration.ofMillis(10),
            Duration.ofMillis(25),
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(500))
        .register(registry);
  }

  /**
   * A request answered: by which tier ({@code primary}, {@code secondary}, ..., {@code canned}) of
   * its model group.
   */
  public void served(String modelGroup, String tier) {
    served
        .computeIfAbsent(modelGroup, g -> new ConcurrentHashMap<>())
        .computeIfAbsent(
            tier,
            t ->
                Counter.builder("airbag.requests")
                    .description("Requests by the tier that answered them")
                    .tag("model_group", modelGroup)
                    .tag("tier", tier)
                    .register(registry))
        .increment();
  }

  /** A breaker transition this node saw, its own decision or one adopted from another node. */
  public void transition(String deployment, BreakerState from, BreakerState to, String reason) {
    counters
        .computeIfAbsent(
            "transition|" + deployment + "|" + from + "|" + to + "|" + reason,
            k ->
                Counter.builder("airbag.breaker.transitions")
                    .description("Breaker transitions seen by this node")
                    .tag("deployment", deployment)
                    .tag("from", label(from.name()))
                    .tag("to", label(to.name()))
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /**
   * A judge's verdict on one sampled answer: {@code pass}, {@code fail}, {@code unparseable} or
   * {@code judge_failed}.
   */
  public void judged(String deployment, String verdict) {
    counters
        .computeIfAbsent(
            "judged|" + deployment + "|" + verdict,
            k ->
                Counter.builder("airbag.judge.samples")
                    .description("Sampled answers by the judge's verdict")
                    .tag("deployment", deployment)
                    .tag("verdict", verdict)
                    .register(registry))
        .increment();
  }

  /** A sample the judge had no room ({@code queue_full}) or budget ({@code budget}) for. */
  public void judgeDropped(String reason) {
    counters
        .computeIfAbsent(
            "dropped|" + reason,
            k ->
                Counter.builder("airbag.judge.dropped")
                    .description("Samples the judge dropped")
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /**
   * The breaker's gauges for one deployment: its state one-hot ({@code
   * airbag_breaker_state{state="open"} 1}), its rolling error rate and its rolling judge mean (NaN
   * while nothing was judged).
   */
  public <T> void breaker(
      String deployment,
      T source,
      java.util.function.Function<T, BreakerState> state,
      ToDoubleFunction<T> errorRate,
      ToDoubleFunction<T> judgeMean) {
    for (BreakerState s : BreakerState.values()) {
      Gauge.builder("airbag.breaker.state", source, o -> state.apply(o) == s ? 1 : 0)
          .strongReference(true)
          .description("1 for the breaker's current state")
          .tag("deployment", deployment)
          .tag("state", label(s.name()))
          .register(registry);
    }
    Gauge.builder("airbag.breaker.error.rate", source, errorRate)
        .strongReference(true)
        .description("Rolling error rate in the breaker's window, cluster-wide")
        .tag("deployment", deployment)
        .register(registry);
    Gauge.builder("airbag.breaker.judge.mean", source, judgeMean)
        .strongReference(true)
        .description("Rolling mean of the judge's scores, cluster-wide")
        .tag("deployment", deployment)
        .register(registry);
  }

  private static String label(String enumName) {
    return enumName.toLowerCase(Locale.ROOT);
  }
}
