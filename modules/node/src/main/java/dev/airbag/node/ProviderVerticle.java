package dev.airbag.node;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.RouterSettings;
import dev.airbag.core.outcome.Cooldown;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.ProviderCall;
import dev.airbag.node.bus.ProviderReply;
import dev.airbag.providers.ProviderClient;
import dev.airbag.providers.ProviderException;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * Owns one deployment on this node: its HTTP client, its cooldown, its retries. Everything about the
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
  private ProviderClient client;
  private Cooldown cooldown;

  ProviderVerticle(Deployment deployment, RouterSettings router, Clock clock) {
    this.deployment = deployment;
    this.router = router;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    client = new ProviderClient(vertx, ProviderClient.newHttpClient(vertx), deployment);
    cooldown = new Cooldown(router.allowedFails(), router.cooldownTime(), clock);
    MessageConsumer<ProviderCall> consumer =
        vertx.eventBus().localConsumer(Addresses.provider(deployment.id()), this::handle);
    return consumer.completion();
  }

  private void handle(Message<ProviderCall> message) {
    if (cooldown.isBenched()) {
      message.reply(ProviderReply.failed(new ProviderException(Outcome.BENCHED,
          deployment.id() + " is cooling down after repeated failures"), 0));
      return;
    }
    attempt(message, 1);
  }

  private void attempt(Message<ProviderCall> message, int attempt) {
    ProviderCall call = message.body();
    long remainingMillis = (call.deadlineNanos() - clock.nanoTime()) / 1_000_000;
    if (remainingMillis <= 0) {
      message.reply(ProviderReply.failed(new ProviderException(Outcome.TIMEOUT, "the request's deadline passed"), attempt - 1));
      return;
    }
    long timeout = Math.min(deployment.timeout().toMillis(), remainingMillis);
    Future<ProviderReply> outcome = call.stream()
        ? client.stream(call.request(), timeout).map(s -> ProviderReply.streaming(s, attempt))
        : client.complete(call.request(), timeout).map(r -> ProviderReply.answered(r, attempt));
    outcome.onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
        return;
      }
      ProviderException failure = ar.cause() instanceof ProviderException pe
          ? pe : new ProviderException(Outcome.CONNECT_FAILURE, String.valueOf(ar.cause().getMessage()));
      if (failure.outcome().countsAgainstProvider() && cooldown.recordFailure()) {
        LOG.warning(() -> deployment.id() + " benched for " + router.cooldownTime().toSeconds()
            + " s: more than " + router.allowedFails() + " failures in a minute (last: " + failure.outcome().label() + ")");
      }
      long wait = retryWait(failure, attempt, call);
      if (wait < 0) {
        failure.retryAfterMillis().ifPresent(ms -> cooldown.benchUntil(clock.nowMillis() + ms));
        message.reply(ProviderReply.failed(failure, attempt));
        return;
      }
      vertx.setTimer(Math.max(1, wait), t -> attempt(message, attempt + 1));
    });
  }

  /** How long to wait before retrying in place, or -1 to move on now. */
  private long retryWait(ProviderException failure, int attempt, ProviderCall call) {
    if (!failure.outcome().retriedInPlace() || attempt > router.numRetries() || cooldown.isBenched()) {
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
