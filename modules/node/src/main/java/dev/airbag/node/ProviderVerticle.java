package dev.airbag.node;

import dev.airbag.core.breaker.Breaker;
import dev.airbag.core.breaker.BreakerPolicy;
import dev.airbag.core.breaker.BreakerSnapshot;
import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.breaker.Permit;
import dev.airbag.core.breaker.ProbeGate;
import dev.airbag.core.breaker.RollingWindow;
import dev.airbag.core.breaker.TripReason;
import dev.airbag.core.breaker.WindowCounts;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.JudgeSettings;
import dev.airbag.core.config.RouterSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.quality.AnswerCheck;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.bus.JudgeSample;
import dev.airbag.node.bus.JudgeScore;
import dev.airbag.node.bus.StreamAnswered;
import dev.airbag.node.bus.ProviderCall;
import dev.airbag.node.bus.ProviderReply;
import dev.airbag.providers.ProviderClient;
import dev.airbag.providers.ProviderException;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns one deployment on this node: its HTTP client, its breaker, its retries. Everything about the
 * deployment is touched only here, on this verticle's context; the router talks to it by message on
 * {@link Addresses#provider}, registered as a local consumer so a call never leaves the node. Across
 * the cluster, it publishes its breaker's decisions at once and its window deltas every
 * {@value #PUBLISH_EVERY_MILLIS} ms, and takes in every other node's.
 */
final class ProviderVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ProviderVerticle.class.getName());
  /** A 429 whose retry-after is longer than this is not waited for in place: the next tier is faster. */
  static final long MAX_IN_PLACE_WAIT_MILLIS = 1_000;
  static final long BACKOFF_BASE_MILLIS = 25;
  /** How often this node's window deltas go to the other nodes. */
  static final long PUBLISH_EVERY_MILLIS = 250;

  private final Deployment deployment;
  private final RouterSettings router;
  /** Judging is on when {@code airbag.judge.by} names judges; off, nothing is sampled. */
  private final JudgeSettings judging;
  private final Set<AnswerCheck> checks;
  private final Clock clock;
  private final DoubleSupplier random;
  private final String node;
  private ProviderClient client;
  private Breaker breaker;
  /** What this node counted since it last published, and when the first of it happened. */
  private WindowCounts unpublished = WindowCounts.EMPTY;
  private long unpublishedSince;
  /** The probe cycle this node has won, the one it is claiming, and when it may try again after losing. */
  private long probeWon = -1;
  private long probeClaiming = -1;
  private long probeRetryAfter;
  /** Each node's own counts, for the operators' per-node view; the breaker holds their sum. */
  private final Map<String, RollingWindow> nodeWindows = new HashMap<>();
  /** A provider's retry-after: no call before then, whatever the breaker says. */
  private long retryAfterUntil;

  ProviderVerticle(Deployment deployment, RouterSettings router, JudgeSettings judging, Set<AnswerCheck> checks,
      Clock clock, DoubleSupplier random, String node) {
    this.deployment = deployment;
    this.router = router;
    this.judging = judging;
    this.checks = checks;
    this.clock = clock;
    this.random = random;
    this.node = node;
  }

  @Override
  public Future<?> start() {
    client = new ProviderClient(vertx, ProviderClient.newHttpClient(vertx), deployment);
    BreakerPolicy policy = BreakerPolicy.of(deployment.breaker(), router, deployment.timeout());
    ProbeGate gate = vertx.isClustered() ? cycle -> mayProbe(cycle, policy) : ProbeGate.ALONE;
    breaker = new Breaker(deployment.id(), node, policy, clock, random, gate, this::decided);
    MessageConsumer<ProviderCall> calls =
        vertx.eventBus().localConsumer(Addresses.provider(deployment.id()), this::handle);
    MessageConsumer<BreakerCommand> admin =
        vertx.eventBus().localConsumer(Addresses.breakerAdmin(deployment.id()), this::command);
    MessageConsumer<JsonObject> decisions =
        vertx.eventBus().consumer(Addresses.breaker(deployment.id()), m -> adopt(BreakerJson.fromDecision(m.body())));
    MessageConsumer<JsonObject> deltas = vertx.eventBus().consumer(Addresses.metrics(deployment.id()), this::merge);
    MessageConsumer<JudgeScore> scores = vertx.eventBus().localConsumer(Addresses.judgeScore(deployment.id()),
        m -> count(breaker.recordJudgeScore(m.body().score())));
    MessageConsumer<StreamAnswered> streams = vertx.eventBus().localConsumer(Addresses.streamAnswered(deployment.id()),
        m -> checkQuality(m.body().request(), m.body().response(), breaker.state() == BreakerState.HALF_OPEN));
    vertx.setPeriodic(PUBLISH_EVERY_MILLIS, t -> publishDelta());
    // Start from the cluster's current decision, not from CLOSED.
    Future<Void> joined = vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.BREAKER_MAP)
        .compose(map -> map.get(deployment.id()))
        .map(current -> {
          if (current != null) {
            adopt(BreakerJson.fromDecision(current));
          }
          return null;
        });
    return Future.all(List.of(calls.completion(), admin.completion(), decisions.completion(), deltas.completion(),
        scores.completion(), streams.completion(), joined));
  }

  /**
   * One probe per cooldown in the whole cluster: the node whose putIfAbsent lands first sends it. The
   * entry lives as long as the probe's lease, so a probe held by a member that died frees itself. Until
   * the claim is answered this node says "not yet", and its calls move on to the next tier.
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
    vertx.sharedData().<String, String>getAsyncMap(Addresses.PROBE_MAP)
        .compose(map -> map.putIfAbsent(deployment.id() + "@" + cycle, node, lease))
        .onComplete(ar -> {
          probeClaiming = -1;
          if (ar.succeeded() && ar.result() == null) {
            probeWon = cycle;
          } else {
            probeRetryAfter = clock.nowMillis() + lease; // another node probes; try again if its lease runs out
          }
        });
    return false;
  }

  /** This node decided: tell every node at once, and keep it in the cluster map for nodes yet to join. */
  private void decided(BreakerSnapshot s) {
    logTransition(s, "");
    JsonObject decision = BreakerJson.decision(s);
    vertx.eventBus().publish(Addresses.breaker(deployment.id()), decision);
    vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.BREAKER_MAP)
        .compose(map -> storeIfNewer(map, s, decision, 5))
        .onFailure(e -> LOG.warning(() -> "could not store " + deployment.id() + "'s breaker in the cluster map: " + e.getMessage()));
  }

  /**
   * Two nodes deciding at once must not leave the older decision in the map for joiners to adopt:
   * compare-and-set, keeping whichever is newer, retried while another node's write slips in between.
   */
  private Future<Void> storeIfNewer(AsyncMap<String, JsonObject> map, BreakerSnapshot s, JsonObject decision, int tries) {
    if (tries == 0) {
      return Future.failedFuture("the map kept changing under five attempts");
    }
    return map.get(deployment.id()).compose(current -> {
      if (current == null) {
        return map.putIfAbsent(deployment.id(), decision)
            .compose(previous -> previous == null ? Future.succeededFuture() : storeIfNewer(map, s, decision, tries - 1));
      }
      BreakerSnapshot stored = BreakerJson.fromDecision(current);
      if (!s.newerThan(stored.epoch(), stored.decidedBy())) {
        return Future.succeededFuture();
      }
      return map.replaceIfPresent(deployment.id(), current, decision)
          .compose(replaced -> replaced ? Future.succeededFuture() : storeIfNewer(map, s, decision, tries - 1));
    });
  }

  private void adopt(BreakerSnapshot remote) {
    if (!remote.decidedBy().equals(node) && breaker.adopt(remote)) {
      logTransition(breaker.snapshot(), " (decided by " + remote.decidedBy() + ")");
    }
  }

  private void merge(Message<JsonObject> message) {
    JsonObject delta = message.body();
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
      vertx.eventBus().publish(Addresses.metrics(deployment.id()), BreakerJson.delta(node, unpublishedSince, unpublished));
      unpublished = WindowCounts.EMPTY;
    }
  }

  private RollingWindow nodeWindow(String id) {
    return nodeWindows.computeIfAbsent(id, k -> new RollingWindow(deployment.breaker().window(), 12, clock));
  }

  private void logTransition(BreakerSnapshot s, String source) {
    LOG.log(s.state() == BreakerState.OPEN ? Level.WARNING : Level.INFO, () -> deployment.id() + " breaker " + s.state()
        + s.reason().map(r -> " (" + r.label() + ")").orElse("")
        + (s.state() == BreakerState.OPEN ? " until " + java.time.Instant.ofEpochMilli(s.openUntilMillis()) : "")
        + (s.state() == BreakerState.HALF_OPEN && s.rampFraction() > 0 ? " ramping at " + Math.round(s.rampFraction() * 100) + "%" : "")
        + source);
  }

  private void command(Message<BreakerCommand> message) {
    BreakerCommand command = message.body();
    switch (command.op()) {
      case OPEN -> breaker.forceOpen(TripReason.MANUAL, command.openFor().orElse(deployment.breaker().cooldown()));
      case CLOSE -> breaker.forceClose();
      case SNAPSHOT -> { }
    }
    JsonObject nodes = new JsonObject();
    nodeWindows.forEach((id, w) -> nodes.put(id, BreakerJson.window(w.total())));
    message.reply(BreakerJson.of(deployment, breaker.snapshot(), nodes));
  }

  private void handle(Message<ProviderCall> message) {
    if (clock.nowMillis() < retryAfterUntil) {
      message.reply(ProviderReply.failed(new ProviderException(Outcome.BENCHED,
          deployment.id() + " asked not to be called again yet (retry-after)"), 0));
      return;
    }
    Permit permit = breaker.acquire();
    if (!permit.allowed()) {
      BreakerSnapshot s = breaker.snapshot();
      message.reply(ProviderReply.failed(new ProviderException(Outcome.BENCHED, deployment.id() + " breaker is "
          + s.state() + s.reason().map(r -> " (" + r.label() + ")").orElse("")), 0));
      return;
    }
    attempt(message, 1, permit);
  }

  private void attempt(Message<ProviderCall> message, int attempt, Permit permit) {
    ProviderCall call = message.body();
    long remainingMillis = (call.deadlineNanos() - clock.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0) {
      message.reply(ProviderReply.failed(new ProviderException(Outcome.TIMEOUT, "the request's deadline passed"), attempt - 1));
      return;
    }
    long timeout = Math.min(deployment.timeout().toMillis(), remainingMillis);
    long started = clock.nanoTime();
    Future<ProviderReply> outcome = call.stream()
        ? client.stream(call.request(), timeout).map(s -> ProviderReply.streaming(s, attempt))
        : client.complete(call.request(), timeout).map(r -> ProviderReply.answered(r, attempt));
    outcome.onComplete(ar -> {
      long latencyMillis = (clock.nanoTime() - started) / 1_000_000;
      if (ar.succeeded()) {
        // A stream counts as answered at its first token: the caller is committed to it from there.
        boolean recovering = permit == Permit.PROBE || breaker.state() == BreakerState.HALF_OPEN;
        count(breaker.record(permit, Outcome.SUCCESS, latencyMillis));
        message.reply(ar.result());
        if (!call.judging()) { // a judge's own answers are neither checked nor judged
          ar.result().response().ifPresent(r -> checkQuality(call.request(), r, recovering));
        }
        return;
      }
      ProviderException failure = ar.cause() instanceof ProviderException pe
          ? pe : new ProviderException(Outcome.CONNECT_FAILURE, String.valueOf(ar.cause().getMessage()));
      count(breaker.record(permit, failure.outcome(), latencyMillis));
      long wait = retryWait(failure, attempt, call);
      if (wait < 0) {
        failure.retryAfterMillis().ifPresent(ms -> retryAfterUntil = Math.max(retryAfterUntil, clock.nowMillis() + ms));
        message.reply(ProviderReply.failed(failure, attempt));
        return;
      }
      vertx.setTimer(Math.max(1, wait), t -> attempt(message, attempt + 1, Permit.CALL));
    });
  }

  /**
   * After the reply is on its way: the cheap checks on every answer (a failure is a 0 for the quality
   * signal, named), else a sample for this node's judge: every answer while recovering (the probe and
   * the ramp), {@code sample_rate} of them otherwise.
   */
  private void checkQuality(ChatRequest request, ChatResponse response, boolean recovering) {
    Optional<AnswerCheck> failed = AnswerCheck.firstFailed(checks, request, response);
    if (failed.isPresent()) {
      count(breaker.recordCheckFailure(failed.get().label()));
      return;
    }
    if (!judging.by().isEmpty() && (recovering || random.getAsDouble() < judging.sampleRate())) {
      vertx.eventBus().send(Addresses.JUDGE, new JudgeSample(deployment.id(), request.lastUserText(), response.content()));
    }
  }

  /** How long to wait before retrying in place, or -1 to move on now. */
  private long retryWait(ProviderException failure, int attempt, ProviderCall call) {
    // Retries in place only while CLOSED: a failed probe or ramp call has already re-opened the breaker.
    if (!failure.outcome().retriedInPlace() || attempt > router.numRetries() || breaker.state() != BreakerState.CLOSED) {
      return -1;
    }
    long wait = failure.retryAfterMillis().orElseGet(() -> {
      long backoff = BACKOFF_BASE_MILLIS << Math.min(attempt - 1, 5);
      return backoff / 2 + (long) (random.getAsDouble() * (backoff / 2 + 1)); // jitter
    });
    long remaining = (call.deadlineNanos() - clock.nanoTime()) / 1_000_000;
    return wait > MAX_IN_PLACE_WAIT_MILLIS || wait >= remaining ? -1 : wait;
  }
}
