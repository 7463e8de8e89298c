package dev.airbag.node.breaker;

import dev.airbag.core.breaker.Breaker;
import dev.airbag.core.breaker.BreakerPolicy;
import dev.airbag.core.breaker.BreakerSnapshot;
import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.breaker.Permit;
import dev.airbag.core.breaker.ProbeGate;
import dev.airbag.core.breaker.RollingWindow;
import dev.airbag.core.breaker.TripReason;
import dev.airbag.core.breaker.WindowCounts;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.RouterSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.AnswerFlagged;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.bus.CallRecord;
import dev.airbag.node.bus.JudgeScore;
import dev.airbag.node.bus.JudgeScores;
import dev.airbag.node.bus.SuccessBatch;
import dev.airbag.node.cluster.EventLog;
import dev.airbag.node.drill.DrillOverride;
import dev.airbag.node.drill.DrillSightings;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.drill.Sightings;
import dev.airbag.node.telemetry.MinuteCounters;
import dev.airbag.node.telemetry.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns one deployment's breaker on this node. The calls themselves are made by each event loop's
 * {@link ProviderLane}, which reads the breaker's published {@link BreakerView}, asks here for a
 * permit when the view does not settle it (on {@link Addresses#provider}, a local consumer), and
 * sends every call's outcome here to be recorded. The breaker is touched only on this verticle's
 * context. Across the cluster, it publishes its breaker's decisions at once and its window deltas
 * every {@value #PUBLISH_EVERY_MILLIS} ms, and takes in every other node's.
 */
public final class BreakerVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(BreakerVerticle.class.getName());

  /** How often this node's window deltas go to the other nodes. */
  static final long PUBLISH_EVERY_MILLIS = 250;

  private final Deployment deployment;
  private final RouterSettings router;
  private final Clock clock;
  private final DoubleSupplier random;
  private final String node;
  private final BreakerBoard board;
  private final DrillsInForce drills;
  private final MinuteCounters minutes;
  private DrillSightings sightings;

  /** The drill whose first failed call this node has reported, so it reports once. */
  private String firstFailureSeen;

  private Breaker breaker;

  /** What this node counted since it last published, and when the first of it happened. */
  private WindowCounts unpublished = WindowCounts.EMPTY;

  private long unpublishedSince;

  /**
   * The probe cycle this node has won, the one it is claiming, and when it may try again after
   * losing.
   */
  private long probeWon = -1;

  private long probeClaiming = -1;
  private long probeRetryAfter;

  /** Each node's own counts, for the operators' per-node view; the breaker holds their sum. */
  private final Map<String, RollingWindow> nodeWindows = new HashMap<>();

  /** A provider's retry-after: no call before then, whatever the breaker says. */
  private long retryAfterUntil;

  private final NodeMetrics metrics;
  private final EventLog events;

  /**
   * The breaker's rolling figures for the metrics' gauges, which read them from the scraping
   * thread.
   */
  private volatile double errorRate;

  private volatile double judgeMean = Double.NaN;

  public BreakerVerticle(
      Deployment deployment,
      RouterSettings router,
      Clock clock,
      DoubleSupplier random,
      String node,
      BreakerBoard board,
      DrillsInForce drills,
      NodeMetrics metrics,
      MinuteCounters minutes,
      EventLog events) {
    this.drills = drills;
    this.minutes = minutes;
    this.metrics = metrics;
    this.events = events;
    this.deployment = deployment;
    this.router = router;
    this.clock = clock;
    this.random = random;
    this.node = node;
    this.board = board;
  }

  @Override
  public Future<?> start() {
    BreakerPolicy policy = BreakerPolicy.of(deployment.breaker(), router, deployment.timeout());
    ProbeGate gate = vertx.isClustered() ? cycle -> mayProbe(cycle, policy) : ProbeGate.ALONE;
    breaker = new Breaker(deployment.id(), node, policy, clock, random, gate, this::decided);
    metrics.breaker(
        deployment.id(),
        this,
        v -> board.view(deployment.id()).state(),
        v -> v.errorRate,
        v -> v.judgeMean);
    EventBus bus = vertx.eventBus();
    // Each handler ends by publishing the view, so the lanes read what the breaker now says.
    MessageConsumer<Void> permits =
        bus.localConsumer(
            Addresses.provider(deployment.id()),
            m -> {
              m.reply(clock.nowMillis() < retryAfterUntil ? Permit.REJECT : breaker.acquire());
              publishView();
            });
    MessageConsumer<CallRecord> records =
        bus.localConsumer(
            Addresses.providerRecord(deployment.id()),
            m -> {
              record(m.body());
              publishView();
              if (m.replyAddress() != null) {
                m.reply(null); // a lane waiting to see what its failure decided
              }
            });
    MessageConsumer<SuccessBatch> successes =
        bus.localConsumer(
            Addresses.providerSuccesses(deployment.id()),
            m -> {
              recordSuccesses(m.body());
              publishView();
            });
    MessageConsumer<BreakerCommand> admin =
        bus.localConsumer(Addresses.breakerAdmin(deployment.id()), this::command);
    MessageConsumer<JsonObject> decisions =
        bus.consumer(
            Addresses.breaker(deployment.id()),
            m -> {
              adopt(BreakerJson.fromDecision(m.body()));
              publishView();
            });
    MessageConsumer<JsonObject> deltas =
        bus.consumer(
            Addresses.metrics(deployment.id()),
            m -> {
              merge(m.body());
              publishView();
            });
    MessageConsumer<JudgeScores> scores =
        bus.localConsumer(
            Addresses.judgeScore(deployment.id()),
            m -> {
              for (JudgeScore score : m.body().scores()) {
                count(breaker.recordJudgeScore(score.score(), score.sampledAtMillis()));
                minutes.judged(deployment.id(), score.score());
              }
              publishView();
            });
    MessageConsumer<AnswerFlagged> flagged =
        bus.localConsumer(
            Addresses.answerFlagged(deployment.id()),
            m -> {
              count(breaker.recordCheckFailure(m.body().check()));
              minutes.judged(deployment.id(), 0);
              publishView();
            });
    MessageConsumer<JsonObject> drill =
        bus.consumer(
            Addresses.drill(deployment.id()), m -> drills.put(DrillOverride.fromJson(m.body())));
    sightings = new DrillSightings(vertx);
    vertx.setPeriodic(PUBLISH_EVERY_MILLIS, t -> publishDelta());
    // A drill under way when this node joins applies here too.
    Future<Void> drillJoined =
        vertx
            .sharedData()
            .<String, JsonObject>getAsyncMap(Addresses.DRILL_OVERRIDE_MAP)
            .compose(map -> map.get(deployment.id()))
            .map(
                current -> {
                  if (current != null) {
                    drills.put(DrillOverride.fromJson(current));
                  }
                  return null;
                });
    // Start from the cluster's current decision, not from CLOSED.
    Future<Void> joined =
        vertx
            .sharedData()
            .<String, JsonObject>getAsyncMap(Addresses.BREAKER_MAP)
            .compose(map -> map.get(deployment.id()))
            .map(
                current -> {
                  if (current != null) {
                    adopt(BreakerJson.fromDecision(current));
                    publishView();
                  }
                  return null;
                });
    return Future.all(
        List.of(
            permits.completion(),
            records.completion(),
            successes.completion(),
            admin.completion(),
            decisions.completion(),
            deltas.completion(),
            scores.completion(),
            flagged.completion(),
            drill.completion(),
            joined,
            drillJoined));
  }

  /**
   * One probe per cooldown in the whole cluster: the node whose putIfAbsent lands first sends it.
   * The entry lives as long as the probe's lease, so a probe held by a member that died frees
   * itself. Until the claim is answered this node says "not yet", and its calls move on to the next
   * tier.
   */
  private boolean mayProbe(long cycle, BreakerPolicy policy) {
    if (probeWon == cycle) {
      return true;
    }
    if (probeClaiming == cycle || clock.nowMillis() < probeRetryAfter) {
      return false;
    }
    probeClaiming = cycle;
    long lease = policy.probeLease().toMillis();
    vertx
        .sharedData()
        .<String, String>getAsyncMap(Addresses.PROBE_MAP)
        .compose(map -> map.putIfAbsent(deployment.id() + "@" + cycle, node, lease))
        .onComplete(
            ar -> {
              probeClaiming = -1;
              if (ar.succeeded() && ar.result() == null) {
                probeWon = cycle;
              } else {
                probeRetryAfter =
                    clock.nowMillis()
                        + lease; // another node probes; try again if its lease runs out
              }
            });
    return false;
  }

  /**
   * This node decided: tell every node at once, and keep it in the cluster map for nodes yet to
   * join.
   */
  private void decided(BreakerSnapshot s) {
    publishView(); // the lanes first: logging and telling the cluster take longer
    logTransition(s, "");
    events.record(
        "breaker-" + deployment.id() + "-" + s.epoch() + "-" + s.decidedBy(),
        new JsonObject()
            .put("type", "breaker")
            .put("deployment", deployment.id())
            .put("state", s.state().name())
            .put("reason", s.reason().map(TripReason::label).orElse(null))
            .put("detail", s.detail().orElse(null))
            .put("node", s.decidedBy())
            .put("open_until", s.state() == BreakerState.OPEN ? s.openUntilMillis() : null));
    JsonObject decision = BreakerJson.decision(s);
    vertx.eventBus().publish(Addresses.breaker(deployment.id()), decision);
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.BREAKER_MAP)
        .compose(map -> storeIfNewer(map, s, decision, 5))
        .onFailure(
            e ->
                LOG.warning(
                    () ->
                        "could not store "
                            + deployment.id()
                            + "'s breaker in the cluster map: "
                            + e.getMessage()));
  }

  /**
   * Two nodes deciding at once must not leave the older decision in the map for joiners to adopt:
   * compare-and-set, keeping whichever is newer, retried while another node's write slips in
   * between.
   */
  private Future<Void> storeIfNewer(
      AsyncMap<String, JsonObject> map, BreakerSnapshot s, JsonObject decision, int tries) {
    if (tries == 0) {
      return Future.failedFuture("the map kept changing under five attempts");
    }
    return map.get(deployment.id())
        .compose(
            current -> {
              if (current == null) {
                return map.putIfAbsent(deployment.id(), decision)
                    .compose(
                        previous ->
                            previous == null
                                ? Future.succeededFuture()
                                : storeIfNewer(map, s, decision, tries - 1));
              }
              BreakerSnapshot stored = BreakerJson.fromDecision(current);
              if (!s.newerThan(stored.epoch(), stored.decidedBy())) {
                return Future.succeededFuture();
              }
              return map.replaceIfPresent(deployment.id(), current, decision)
                  .compose(
                      replaced ->
                          replaced
                              ? Future.succeededFuture()
                              : storeIfNewer(map, s, decision, tries - 1));
            });
  }

  private void adopt(BreakerSnapshot remote) {
    if (!remote.decidedBy().equals(node) && breaker.adopt(remote)) {
      publishView();
      logTransition(breaker.snapshot(), " (decided by " + remote.decidedBy() + ")");
    }
  }

  private void merge(JsonObject delta) {
    String from = delta.getString("node");
    if (from.equals(node)) {
      return;
    }
    long at = delta.getLong("at");
    WindowCounts counts = BreakerJson.counts(delta);
    nodeWindow(from).addAt(at, counts);
    breaker.mergeRemote(at, counts);
  }

  private void count(WindowCounts counted) {
    if (counted.equals(WindowCounts.EMPTY)) {
      return;
    }
    if (unpublished.equals(WindowCounts.EMPTY)) {
      unpublishedSince = clock.nowMillis();
    }
    unpublished = unpublished.plus(counted);
    nodeWindow(node).add(counted);
  }

  private void publishDelta() {
    if (!unpublished.equals(WindowCounts.EMPTY)) {
      vertx
          .eventBus()
          .publish(
              Addresses.metrics(deployment.id()),
              BreakerJson.delta(node, unpublishedSince, unpublished));
      unpublished = WindowCounts.EMPTY;
    }
  }

  private RollingWindow nodeWindow(String id) {
    return nodeWindows.computeIfAbsent(
        id, k -> new RollingWindow(deployment.breaker().window(), Breaker.BUCKETS, clock));
  }

  private void logTransition(BreakerSnapshot s, String source) {
    LOG.log(
        s.state() == BreakerState.OPEN ? Level.WARNING : Level.INFO,
        () ->
            deployment.id()
                + " breaker "
                + s.state()
                + s.reason().map(r -> " (" + r.label() + ")").orElse("")
                + (s.state() == BreakerState.OPEN
                    ? " until " + java.time.Instant.ofEpochMilli(s.openUntilMillis())
                    : "")
                + (s.state() == BreakerState.HALF_OPEN && s.rampFraction() > 0
                    ? " ramping at " + Math.round(s.rampFraction() * 100) + "%"
                    : "")
                + source);
  }

  private void command(Message<BreakerCommand> message) {
    BreakerCommand command = message.body();
    switch (command.op()) {
      case OPEN ->
          breaker.forceOpen(
              TripReason.MANUAL, command.openFor().orElse(deployment.breaker().cooldown()));
      case CLOSE -> breaker.forceClose();
      case DRILL_OVER -> {
        if (breaker.state() == BreakerState.OPEN) {
          breaker.forceOpen(TripReason.DRILL, java.time.Duration.ZERO);
        }
      }
      case SNAPSHOT -> {}
    }
    publishView();
    JsonObject nodes = new JsonObject();
    nodeWindows.forEach((id, w) -> nodes.put(id, BreakerJson.window(w.total())));
    message.reply(BreakerJson.of(deployment, breaker.snapshot(), nodes));
  }

  private void record(CallRecord call) {
    count(breaker.record(call.permit(), call.outcome(), call.latencyMillis()));
    DrillOverride drill = drills.active(deployment.id(), clock.nowMillis());
    if (drill != null
        && call.outcome().countsAgainstProvider()
        && !drill.drill().equals(firstFailureSeen)) {
      firstFailureSeen = drill.drill();
      sightings.firstFailure(
          drill.drill(),
          new Sightings.FirstFailure(
              node, clock.nowMillis(), call.latencyMillis(), call.outcome().label()));
    }
    if (call.benchMillis() >= 0) {
      retryAfterUntil = Math.max(retryAfterUntil, clock.nowMillis() + call.benchMillis());
    }
  }

  /**
   * Each success of the batch as if it came alone: the slow ones at the threshold, the others
   * instantly.
   */
  private void recordSuccesses(SuccessBatch batch) {
    long slowMillis = deployment.breaker().slowCallThreshold().toMillis();
    for (int i = 0; i < batch.calls(); i++) {
      count(breaker.record(Permit.CALL, Outcome.SUCCESS, i < batch.slow() ? slowMillis : 0));
    }
  }

  /**
   * Tells the lanes what the breaker says now, when that changed, and the metrics its rolling
   * figures.
   */
  private void publishView() {
    BreakerView current = board.view(deployment.id());
    BreakerState state = breaker.state();
    long openUntil = breaker.openUntilMillis();
    BreakerSnapshot s = breaker.snapshot();
    errorRate = s.window().errorRate();
    judgeMean = s.judgeWindow().judged() == 0 ? Double.NaN : s.judgeWindow().judgeMean();
    if (current.state() != state) {
      metrics.transition(
          deployment.id(),
          current.state(),
          state,
          s.reason().map(TripReason::label).orElse("none"));
      DrillOverride drill = drills.active(deployment.id(), clock.nowMillis());
      if (drill != null && state == BreakerState.OPEN) {
        sightings.opened(
            drill.drill(),
            node,
            clock.nowMillis(),
            s.reason().map(TripReason::label).orElse(null),
            s.detail().orElse(null));
      }
    }
    if (current.state() != state
        || current.openUntilMillis() != openUntil
        || current.retryAfterUntilMillis() != retryAfterUntil) {
      board.publish(
          deployment.id(),
          new BreakerView(
              state,
              openUntil,
              retryAfterUntil,
              state + s.reason().map(r -> " (" + r.label() + ")").orElse("")));
    }
  }
}
