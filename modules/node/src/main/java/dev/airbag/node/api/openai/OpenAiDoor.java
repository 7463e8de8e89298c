package dev.airbag.node.api.openai;

import dev.airbag.core.routing.TierPlan;
import dev.airbag.core.time.Clock;
import dev.airbag.node.api.AnswerPath;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.drill.DrillVerticle;
import dev.airbag.node.routing.Refusal;
import dev.airbag.node.routing.RoutedAnswer;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * The OpenAI door: {@code POST /v1/chat/completions} and {@code GET /v1/models}, with or without
 * the {@code /v1} prefix.
 */
public final class OpenAiDoor {

  private final Vertx vertx;
  private final long stalledMillis;
  private final Context context;
  private final AnswerPath path;
  private final TierPlan plan;
  private final Clock clock;

  public OpenAiDoor(
      Vertx vertx, Context context, AnswerPath path, TierPlan plan, Clock clock, Duration stalled) {
    this.vertx = vertx;
    this.stalledMillis = stalled.toMillis();
    this.context = context;
    this.path = path;
    this.plan = plan;
    this.clock = clock;
  }

  public void mount(Router web) {
    web.post("/v1/chat/completions").handler(this::chat);
    web.post("/chat/completions").handler(this::chat);
    web.get("/v1/models").handler(this::models);
    web.get("/models").handler(this::models);
  }

  /** Writes a refusal as OpenAI's error JSON with its status. */
  public static void refuse(HttpServerResponse response, Refusal refusal) {
    response
        .setStatusCode(refusal.status())
        .putHeader("content-type", "application/json")
        .end(OpenAiAnswers.error(refusal).encode());
  }

  private void models(RoutingContext ctx) {
    JsonArray data = new JsonArray();
    plan.modelGroups()
        .forEach(
            g ->
                data.add(
                    new JsonObject()
                        .put("id", g)
                        .put("object", "model")
                        .put("created", 0)
                        .put("owned_by", "airbag")));
    ctx.json(new JsonObject().put("object", "list").put("data", data));
  }

  private void chat(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    OpenAiAnswers.Read read = OpenAiAnswers.read(body == null ? Buffer.buffer() : body);
    if (read.refusal() != null) {
      refuse(ctx.response(), read.refusal());
      return;
    }
    RequestOrigin origin = path.origin(ctx.request().getHeader(DrillVerticle.DRILL_HEADER));
    Span span = path.tracing().server(ctx.request(), read.request().model());
    HttpServerResponse response = ctx.response();
    response.endHandler(
        v -> span.setAttribute("http.response.status_code", (long) response.getStatusCode()).end());
    response.closeHandler(
        v -> span.end()); // the caller went away before the end (a stream replaces this)
    path.answer(read.request(), origin, span)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else {
                respond(ctx.request().connection(), response, read, origin, ar.result(), span);
              }
            });
  }

  private void respond(
      HttpConnection connection,
      HttpServerResponse response,
      OpenAiAnswers.Read read,
      RequestOrigin origin,
      RoutedAnswer answer,
      Span span) {
    response.putHeader(AnswerPath.ATTEMPTS_HEADER, String.valueOf(answer.attempts()));
    long created = clock.nowMillis() / 1000;
    if (answer instanceof RoutedAnswer.Served served) {
      response
          .putHeader(AnswerPath.TIER_HEADER, served.tier())
          .putHeader(AnswerPath.DEPLOYMENT_HEADER, served.deployment());
      if (served.stream() != null) {
        new OpenAiStreams.Relay(
                vertx,
                context,
                connection,
                response,
                served,
                read.request(),
                read.includeUsage(),
                origin,
                created,
                stalledMillis,
                span,
                path)
            .start();
      } else {
        response
            .putHeader("content-type", "application/json")
            .end(OpenAiAnswers.completion(served, created));
      }
    } else if (answer instanceof RoutedAnswer.Refused refused) {
      refuse(response, refused.refusal());
    } else if (answer instanceof RoutedAnswer.Canned canned) {
      response.putHeader(AnswerPath.TIER_HEADER, RoutedAnswer.Canned.TIER);
      if (canned.asError()) {
        refuse(response, canned.asRefusal());
      } else if (read.request().stream()) {
        OpenAiStreams.canned(response, canned, read.includeUsage(), created);
      } else {
        response
            .putHeader("content-type", "application/json")
            .end(OpenAiAnswers.cannedCompletion(canned, created).encode());
      }
    }
  }
}
