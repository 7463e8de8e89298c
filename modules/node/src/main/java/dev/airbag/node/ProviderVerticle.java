package dev.airbag.node;

import dev.airbag.core.breaker.Breaker;
import dev.airbag.core.breaker.BreakerPolicy;
import dev.airbag.core.breaker.BreakerSnapshot;
import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.breaker.Permit;
import dev.airbag.core.breaker.TripReason;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.RouterSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.node.bus.ProviderCall;
import dev.airbag.node.bus.ProviderReply;
import dev.airbag.providers.ProviderClient;
import dev.airbag.providers.ProviderException;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Owns one deployment on this node: its HTTP client, its breaker, its retries. Everything about the
 * deployment is touched only here, on this verticle's context; the router talks to it by message on
 * {@link Addresses#provider}, registered as a local consumer so a call never leaves the node.
 */
final class ProviderVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ProviderVerticle.class.getName());
  /** A 429 whose retry-after is longer than this is not waited for in place: the next tier is faster. */
  static final long MAX_IN_PLACE_WAIT_MILLIS = 1_000;
  static final long BACKOFF_BASE_MILLIS = 25;

  private final Deployment deployment;
  private final RouterSettings router;
  private final Clock clock;
  private final DoubleSupplier random;
  private ProviderClient client;
  private Breaker breaker;
  /** A provider's retry-after: no call before then, whatever the breaker says. */
  private long retryAfterUntil;

  ProviderVerticle(Deployment deployment, RouterSettings router, Clock clock, DoubleSupplier random) {
    this.deployment = deployment;
    this.router = router;
    this.clock = clock;
    this.random = random;
  }

  @Override
  public Future<?> start() {
    client = new ProviderClient(vertx, ProviderClient.newHttpClient(vertx), deployment);
    breaker = new Breaker(deployment.id(), BreakerPolicy.of(deployment.breaker(), router, deployment.timeout()),
        clock, random, this::logTransition);
    MessageConsumer<ProviderCall> calls =
        vertx.eventBus().localConsumer(Addresses.provider(deployment.id()), this::handle);
    MessageConsumer<BreakerCommand> admin =
        vertx.eventBus().localConsumer(Addresses.breakerAdmin(deployment.id()), this::command);
    return Future.all(calls.completion(), admin.completion());
  }

  private void logTransition(BreakerSnapshot s) {
    LOG.log(s.state() == BreakerState.OPEN ? Level.WARNING : Level.INFO, () -> deployment.id() + " breaker " + s.state()
        + s.reason().map(r -> " (" + r.label() + ")").orElse("")
        + (s.state() == BreakerState.OPEN ? " until " + java.time.Instant.ofEpochMilli(s.openUntilMillis()) : ""));
  }

  private void command(Message<BreakerCommand> message) {
    BreakerCommand command = message.body();
    switch (command.op()) {
      case OPEN -> breaker.forceOpen(TripReason.MANUAL, command.openFor().orElse(deployment.breaker().cooldown()));
      case CLOSE -> breaker.forceClose();
      case SNAPSHOT -> { }
    }
    message.reply(breaker.snapshot());
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
        breaker.record(permit, Outcome.SUCCESS, latencyMillis);
        message.reply(ar.result());
        return;
      }
      ProviderException failure = ar.cause() instanceof ProviderException pe
          ? pe : new ProviderException(Outcome.CONNECT_FAILURE, String.valueOf(ar.cause().getMessage()));
      breaker.record(permit, failure.outcome(), latencyMillis);
      long wait = retryWait(failure, attempt, call);
      if (wait < 0) {
        failure.retryAfterMillis().ifPresent(ms -> retryAfterUntil = Math.max(retryAfterUntil, clock.nowMillis() + ms));
        message.reply(ProviderReply.failed(failure, attempt));
        return;
      }
      vertx.setTimer(Math.max(1, wait), t -> attempt(message, attempt + 1, Permit.CALL));
    });
  }

  /** How long to wait before retrying in place, or -1 to move on now. */
  private long retryWait(ProviderException failure, int attempt, ProviderCall call) {
    // Retries in place only while CLOSED: a failed probe or ramp call has already re-opened the breaker.
    if (!failure.outcome().retriedInPlace() || attempt > router.numRetries() || breaker.state() != BreakerState.CLOSED) {
      return -1;
    }
    long wait = failure.retryAfterMillis().orElseGet(() -> {
      long backoff = BACKOFF_BASE_MILLIS << Math.min(attempt - 1, 5);
      return backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1); // jitter
    });
    long remaining = (call.deadlineNanos() - clock.nanoTime()) / 1_000_000;
    return wait > MAX_IN_PLACE_WAIT_MILLIS || wait >= remaining ? -1 : wait;
  }
}
