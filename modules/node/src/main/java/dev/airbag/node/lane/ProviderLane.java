package dev.airbag.node.lane;

import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.breaker.Permit;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.JudgeSettings;
import dev.airbag.core.config.RouterSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.quality.AnswerCheck;
import dev.airbag.core.time.Clock;
import dev.airbag.node.breaker.BreakerBoard;
import dev.airbag.node.breaker.BreakerView;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.AnswerFlagged;
import dev.airbag.node.bus.CallRecord;
import dev.airbag.node.bus.JudgeSample;
import dev.airbag.node.bus.JudgeSamples;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.bus.SuccessBatch;
import dev.airbag.node.bus.TimedBatch;
import dev.airbag.node.drill.DegradedAnswers;
import dev.airbag.node.drill.DrillKind;
import dev.airbag.node.drill.DrillOverride;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.telemetry.MinuteCounters;
import dev.airbag.node.telemetry.NodeMetrics;
import dev.airbag.node.telemetry.NodeTracing;
import dev.airbag.providers.http.ProviderClient;
import dev.airbag.providers.http.ProviderException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * One event loop's way to one deployment: makes the calls, with the per-call timeout and
 * num_retries, on the loop that serves the request, so the healthy path never leaves its thread.
 * The breaker stays with the deployment's {@link BreakerVerticle}: while its published {@link
 * BreakerView} reads CLOSED the lane calls without asking, while OPEN it skips without asking, and
 * otherwise (HALF_OPEN, or an OPEN whose time is up) it asks the verticle for a permit. Every
 * call's outcome goes to the verticle: failures and permitted calls one by one as a {@link
 * CallRecord}, the healthy path's successes gathered for {@link #GATHER_MILLIS} as {@link
 * SuccessBatch}. Use it only on the context that made it.
 */
public final class ProviderLane {

  /**
   * A 429 whose retry-after is longer than this is not waited for in place: the next tier is
   * faster.
   */
  static final long MAX_IN_PLACE_WAIT_MILLIS = 1_000;

  static final long BACKOFF_BASE_MILLIS = 25;

  /** How long healthy-path successes are gathered before they go to the breaker in one message. */
  static final long GATHER_MILLIS = 20;

  /**
   * How long answers sampled for the judge are gathered before they go to it in one message; a
   * judge takes seconds.
   */
  static final long SAMPLE_GATHER_MILLIS = 250;

  private final Vertx vertx;
  private final ProviderClient client;

  /**
   * The same deployment with a drill's broken key, for calls made while a failover drill is on it.
   */
  private final ProviderClient brokenKeyClient;

  private final DrillsInForce drills;
  private final Deployment deployment;
  private final RouterSettings router;
  private final JudgeSettings judging;
  private final Set<AnswerCheck> checks;
  private final Clock clock;
  private final DoubleSupplier random;
  private final BreakerBoard board;
  private final String permits;
  private final String records;
  private final String successes;
  private final long slowMillis;
  private final NodeMetrics metrics;
  private final MinuteCounters minutes;
  private final NodeTracing tracing;
  private final Map<Outcome, Counter> calls = new EnumMap<>(Outcome.class);
  private final Timer callDuration;
  private int gathered;
  private int gatheredSlow;
  private final TimedBatch<JudgeSample> samples;

  ProviderLane(
      Vertx vertx,
      ProviderClient client,
      ProviderClient brokenKeyClient,
      Deployment deployment,
      RouterSettings router,
      JudgeSettings judging,
      Set<AnswerCheck> checks,
      Clock clock,
      DoubleSupplier random,
      BreakerBoard board,
      DrillsInForce drills,
      NodeMetrics metrics,
      MinuteCounters minutes,
      NodeTracing tracing) {
    this.tracing = tracing;
    this.minutes = minutes;
    this.vertx = vertx;
    this.client = client;
    this.brokenKeyClient = brokenKeyClient;
    this.drills = drills;
    this.deployment = deployment;
    this.router = router;
    this.judging = judging;
    this.checks = checks;
    this.clock = clock;
    this.random = random;
    this.board = board;
    this.permits = Addresses.provider(deployment.id());
    this.records = Addresses.providerRecord(deployment.id());
    this.successes = Addresses.providerSuccesses(deployment.id());
    this.slowMillis = deployment.breaker().slowCallThreshold().toMillis();
    this.metrics = metrics;
    this.callDuration = metrics.callDuration(deployment);
    this.samples =
        new TimedBatch<>(
            vertx,
            SAMPLE_GATHER_MILLIS,
            gathered -> vertx.eventBus().send(Addresses.JUDGE, new JudgeSamples(gathered)));
  }

  Deployment deployment() {
    return deployment;
  }

  /**
   * Answers a request from this deployment, or says why not; never fails. What the answer is
   * checked and judged by depends on the {@code caller}. Each attempt is a span under {@code
   * trace}.
   */
  public Future<ProviderReply> call(
      ChatRequest request, long deadlineNanos, RequestOrigin origin, Context trace) {
    long now = clock.nowMillis();
    BreakerView view = board.view(deployment.id());
    if (view.callable(now)) {
      Promise<ProviderReply> reply = Promise.promise();
      attempt(request, deadlineNanos, origin, trace, reply, 1, Permit.CALL, false);
      return reply.future();
    }
    if (view.benched(now)) {
      return Future.succeededFuture(benched(view));
    }
    long remainingMillis = Math.max(1, (deadlineNanos - clock.nanoTime()) / 1_000_000);
    return vertx
        .eventBus()
        .<Permit>request(permits, null, new DeliveryOptions().setSendTimeout(remainingMillis))
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.succeededFuture(
                    ProviderReply.failed(
                        new ProviderException(
                            Outcome.CONNECT_FAILURE,
                            "no permit from "
                                + deployment.id()
                                + "'s breaker: "
                                + ar.cause().getMessage()),
                        0));
              }
              Permit permit = ar.result().body();
              if (!permit.allowed()) {
                return Future.succeededFuture(benched(board.view(deployment.id())));
              }
              Promise<ProviderReply> reply = Promise.promise();
              attempt(request, deadlineNanos, origin, trace, reply, 1, permit, true);
              return reply.future();
            });
  }

  private ProviderReply benched(BreakerView view) {
    String why =
        clock.nowMillis() < view.retryAfterUntilMillis()
            ? " asked not to be called again yet (retry-after)"
            : " breaker is " + view.describe();
    return ProviderReply.failed(new ProviderException(Outcome.BENCHED, deployment.id() + why), 0);
  }

  private void attempt(
      ChatRequest request,
      long deadlineNanos,
      RequestOrigin origin,
      Context trace,
      Promise<ProviderReply> reply,
      int attempt,
      Permit permit,
      boolean granted) {
    long remainingMillis = (deadlineNanos - clock.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0) {
      reply.complete(
          ProviderReply.failed(
              new ProviderException(Outcome.TIMEOUT, "the request's deadline passed"),
              attempt - 1));
      return;
    }
    long timeout = Math.min(deployment.timeout().toMillis(), remainingMillis);
    long started = clock.nanoTime();
    Span span = tracing.attempt(trace, deployment, attempt);
    Map<String, String> traceHeaders = NodeTracing.headers(span);
    DrillOverride drill = drills.active(deployment.id(), clock.nowMillis());
    ProviderClient via =
        drill != null && drill.kind() == DrillKind.FAILOVER ? brokenKeyClient : client;
    if (granted) {
      via.forgetRefusal(); // a permit from the breaker (a probe, a ramp step) is there to reach
      // the provider
    }
    Future<ProviderReply> outcome =
        request.stream()
            ? via.stream(request, timeout, traceHeaders)
                .map(s -> ProviderReply.streaming(s, attempt))
            : via.complete(request, timeout, traceHeaders)
                .map(r -> ProviderReply.answered(r, attempt));
    if (drill != null
        && drill.kind() == DrillKind.QUALITY
        && origin == RequestOrigin.DRILL
        && !request.stream()) {
      outcome =
          outcome.map(
              r ->
                  ProviderReply.answered(
                      DegradedAnswers.answer(r.response().orElseThrow(), drill.seed()), attempt));
    }
    outcome.onComplete(
        ar -> {
          long latencyNanos = clock.nanoTime() - started;
          long latencyMillis = latencyNanos / 1_000_000;
          if (ar.succeeded()) {
            count(Outcome.SUCCESS, latencyNanos);
            NodeTracing.ended(span, Outcome.SUCCESS);
            // A stream counts as answered at its first token: the caller is committed to it from
            // there.
            report(new CallRecord(permit, Outcome.SUCCESS, latencyMillis, -1), false);
            reply.complete(ar.result());
            if (origin != RequestOrigin.JUDGE) {
              boolean recovering =
                  granted || board.view(deployment.id()).state() == BreakerState.HALF_OPEN;
              ar.result().response().ifPresent(r -> checkQuality(request, r, origin, recovering));
            }
            return;
          }
          ProviderException failure =
              ar.cause() instanceof ProviderException pe
                  ? pe
                  : new ProviderException(
                      Outcome.CONNECT_FAILURE, String.valueOf(ar.cause().getMessage()));
          count(failure.outcome(), latencyNanos);
          NodeTracing.ended(span, failure.outcome());
          boolean retriable = retriable(failure, attempt, permit);
          // A retry-after not waited for in place benches the deployment for that long.
          long bench =
              failure.retryAfterMillis().isPresent()
                      && !(retriable
                          && waitableInPlace(failure.retryAfterMillis().getAsLong(), deadlineNanos))
                  ? failure.retryAfterMillis().getAsLong()
                  : -1;
          CallRecord record = new CallRecord(permit, failure.outcome(), latencyMillis, bench);
          if (!retriable) {
            // Moving on to the next tier: it is another deployment, so nothing waits for this
            // breaker.
            report(record, false);
            reply.complete(ProviderReply.failed(failure, attempt));
            return;
          }
          report(record, true)
              .onComplete(
                  recorded -> {
                    // The breaker has taken the failure in: if it tripped, the view says so and
                    // there is no retry.
                    long wait = retryWait(failure, attempt, deadlineNanos);
                    if (wait < 0) {
                      reply.complete(ProviderReply.failed(failure, attempt));
                      return;
                    }
                    vertx.setTimer(
                        Math.max(1, wait),
                        t -> {
                          // Another lane's failures may have tripped the breaker meanwhile: then
                          // move on instead.
                          if (board.view(deployment.id()).callable(clock.nowMillis())) {
                            attempt(
                                request,
                                deadlineNanos,
                                origin,
                                trace,
                                reply,
                                attempt + 1,
                                Permit.CALL,
                                false);
                          } else {
                            reply.complete(ProviderReply.failed(failure, attempt));
                          }
                        });
                  });
        });
  }

  /**
   * Sends a call's outcome to the breaker. With {@code await}, the future completes once the
   * breaker has taken it in, so a retry in place sees what it decided; without, a success joins the
   * gathered ones and anything else goes at once, after them.
   */
  private Future<?> report(CallRecord record, boolean await) {
    if (!await && record.outcome() == Outcome.SUCCESS && record.permit() == Permit.CALL) {
      if (gathered++ == 0) {
        vertx.setTimer(GATHER_MILLIS, t -> sendGathered());
      }
      if (record.latencyMillis() >= slowMillis) {
        gatheredSlow++;
      }
      return Future.succeededFuture();
    }
    sendGathered(); // this lane's earlier successes first, so the breaker sees its calls in order
    if (!await) {
      vertx.eventBus().send(records, record);
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(records, record);
  }

  /**
   * One call's outcome, for /metrics and the dashboard's minute; {@code latencyNanos} -1 when it
   * has none of its own.
   */
  private void count(Outcome outcome, long latencyNanos) {
    if (latencyNanos >= 0) {
      callDuration.record(latencyNanos, TimeUnit.NANOSECONDS);
    }
    minutes.call(deployment.id(), outcome, latencyNanos);
    calls.computeIfAbsent(outcome, o -> metrics.calls(deployment, o)).increment();
  }

  private void sendGathered() {
    if (gathered > 0) {
      vertx.eventBus().send(successes, new SuccessBatch(gathered, gatheredSlow));
      gathered = 0;
      gatheredSlow = 0;
    }
  }

  /**
   * A stream broke after its first token: too late to fail over, but the breaker must hear of it,
   * or a provider that cuts every stream midway would never trip. It counts as a failed call of its
   * own.
   */
  public void streamBroke(ProviderException failure) {
    count(failure.outcome(), -1);
    report(new CallRecord(Permit.CALL, failure.outcome(), 0, -1), false);
  }

  /**
   * A streamed answer reached its end: it gets the checks and the judge's sampling a whole answer
   * gets.
   */
  public void streamEnded(ChatRequest request, ChatResponse response, RequestOrigin origin) {
    checkQuality(
        request, response, origin, board.view(deployment.id()).state() == BreakerState.HALF_OPEN);
  }

  /**
   * After the reply is on its way: the cheap checks on every answer (a failure is a 0 for the
   * quality signal, named), else a sample for this node's judge: every answer while recovering (the
   * probe and the ramp), {@code sample_rate} of them otherwise. A drill's own requests count only
   * in a quality drill on this deployment: each degraded answer goes to the judge, and its recovery
   * is judged as a user's would be.
   */
  private void checkQuality(
      ChatRequest request, ChatResponse response, RequestOrigin origin, boolean recovering) {
    if (origin == RequestOrigin.DRILL) {
      DrillOverride drill = drills.latest(deployment.id());
      if (drill == null || drill.kind() != DrillKind.QUALITY) {
        return;
      }
      recovering |= drill.activeAt(clock.nowMillis());
    }
    Optional<AnswerCheck> failed = AnswerCheck.firstFailed(checks, request, response);
    if (failed.isPresent()) {
      vertx
          .eventBus()
          .send(Addresses.answerFlagged(deployment.id()), new AnswerFlagged(failed.get().label()));
      return;
    }
    if (!judging.by().isEmpty() && (recovering || random.getAsDouble() < judging.sampleRate())) {
      samples.add(
          new JudgeSample(
              deployment.id(), request.lastUserText(), response.content(), clock.nowMillis()));
    }
  }

  /**
   * Whether this failure may be retried in place: only while CLOSED, as a failed probe or ramp call
   * re-opens the breaker.
   */
  private boolean retriable(ProviderException failure, int attempt, Permit permit) {
    return failure.outcome().retriedInPlace()
        && attempt <= router.numRetries()
        && permit == Permit.CALL;
  }

  /**
   * How long to wait before retrying in place, once the failure is recorded, or -1 to move on now.
   */
  private long retryWait(ProviderException failure, int attempt, long deadlineNanos) {
    if (board.view(deployment.id()).state() != BreakerState.CLOSED) {
      return -1;
    }
    long wait =
        failure
            .retryAfterMillis()
            .orElseGet(
                () -> {
                  long backoff = BACKOFF_BASE_MILLIS << Math.min(attempt - 1, 5);
                  return backoff / 2 + (long) (random.getAsDouble() * (backoff / 2 + 1)); // jitter
                });
    return waitableInPlace(wait, deadlineNanos) ? wait : -1;
  }

  private boolean waitableInPlace(long waitMillis, long deadlineNanos) {
    return waitMillis <= MAX_IN_PLACE_WAIT_MILLIS
        && waitMillis < (deadlineNanos - clock.nanoTime()) / 1_000_000;
  }
}
