package dev.airbag.node.api.bus;

import dev.airbag.core.time.Clock;
import dev.airbag.node.api.AnswerPath;
import dev.airbag.node.api.openai.OpenAiAnswers;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.drill.DrillVerticle;
import dev.airbag.node.routing.Refusal;
import dev.airbag.node.routing.RoutedAnswer;
import dev.airbag.providers.json.JsonBytes;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus door, {@value Addresses#CHAT}: an OpenAI chat request as JSON in, the completion
 * JSON back with the tier headers; a refusal fails the message with its status and OpenAI's error
 * JSON. Whole answers only: a stream needs HTTP.
 */
public final class BusDoor {

  private final AnswerPath path;
  private final Clock clock;

  public BusDoor(AnswerPath path, Clock clock) {
    this.path = path;
    this.clock = clock;
  }

  /** Starts taking requests; the future completes once the address is known to the cluster. */
  public Future<Void> open(Vertx vertx) {
    return vertx.eventBus().<Object>consumer(Addresses.CHAT, this::chat).completion();
  }

  private void chat(Message<Object> message) {
    // Read from its JSON as an HTTP request is: what is not a JSON object is refused as one would
    // be.
    Object raw = message.body();
    OpenAiAnswers.Read read =
        OpenAiAnswers.read(
            raw instanceof JsonObject json ? JsonBytes.encode(json) : Json.encodeToBuffer(raw));
    if (read.refusal() != null) {
      refuse(message, read.refusal());
      return;
    }
    if (read.request().stream()) {
      refuse(
          message,
          Refusal.invalid(
              "stream=true is served over HTTP only; the event bus answers whole responses.",
              "stream"));
      return;
    }
    Span span = path.tracing().bus(read.request().model());
    path.answer(
            read.request(), path.origin(message.headers().get(DrillVerticle.DRILL_HEADER)), span)
        .onComplete(
            ar -> {
              span.end();
              if (ar.failed()) {
                refuse(message, new Refusal(500, "The gateway failed unexpectedly.", null, null));
                return;
              }
              RoutedAnswer answer = ar.result();
              long created = clock.nowMillis() / 1000;
              MultiMap headers =
                  MultiMap.caseInsensitiveMultiMap()
                      .set(AnswerPath.ATTEMPTS_HEADER, String.valueOf(answer.attempts()));
              if (answer instanceof RoutedAnswer.Served served) {
                message.reply(
                    OpenAiAnswers.completionJson(served, created),
                    new DeliveryOptions()
                        .setHeaders(
                            headers
                                .set(AnswerPath.TIER_HEADER, served.tier())
                                .set(AnswerPath.DEPLOYMENT_HEADER, served.deployment())));
              } else if (answer instanceof RoutedAnswer.Refused refused) {
                refuse(message, refused.refusal());
              } else if (answer instanceof RoutedAnswer.Canned canned) {
                if (canned.asError()) {
                  refuse(message, canned.asRefusal());
                } else {
                  message.reply(
                      OpenAiAnswers.cannedCompletion(canned, created),
                      new DeliveryOptions()
                          .setHeaders(
                              headers.set(AnswerPath.TIER_HEADER, RoutedAnswer.Canned.TIER)));
                }
              }
            });
  }

  private static void refuse(Message<Object> message, Refusal refusal) {
    message.fail(refusal.status(), OpenAiAnswers.error(refusal).encode());
  }
}
