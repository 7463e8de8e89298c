package dev.airbag.node.api;

import dev.airbag.node.breaker.BreakerView;
import dev.airbag.node.cluster.Cluster;
import dev.airbag.node.dashboard.HistoryWriter;
import dev.airbag.node.drill.DrillPlan;
import dev.airbag.node.drill.DrillReport;
import dev.airbag.node.lane.RequestOrigin;
import dev.airbag.node.routing.RoutedAnswer;
import dev.airbag.node.telemetry.NodeTracing;

import dev.airbag.node.cluster.EventLog;
import dev.airbag.node.dashboard.HistoryQuery;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.lane.ProviderLane;
import dev.airbag.node.lane.LaneSource;
import dev.airbag.node.routing.ChatRouter;
import dev.airbag.node.telemetry.EventLoopDelay;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.config.CannedSettings;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.Durations;
import dev.airbag.core.config.Secret;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.routing.TierPlan;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import dev.airbag.providers.http.ChatStream;
import dev.airbag.core.chat.InvalidRequest;
import dev.airbag.providers.json.JsonBytes;
import dev.airbag.providers.openai.OpenAiJson;
import dev.airbag.providers.http.ProviderException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Airbag's public API: OpenAI-compatible HTTP ({@code /v1/chat/completions}, {@code /v1/models}, health)
 * and the {@code airbag.chat} event-bus address. Several instances share the port, one per event loop.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ApiVerticle.class.getName());
  static final String TIER_HEADER = "x-airbag-tier";
  static final String DEPLOYMENT_HEADER = "x-airbag-deployment";
  static final String ATTEMPTS_HEADER = "x-airbag-attempts";
  /** Marks a drill's synthetic request with the drill's id. */
  public static final String DRILL_HEADER = "x-airbag-drill";
  static final String CANNED_MODEL = "airbag-canned";

  private final GatewayConfig config;
  private final TierPlan plan;
  private final LaneSource laneSource;
  private final Clock clock;
  private final String host;
  private final int port;
  private final String node;
  private final EventLog events;
  private final DrillsInForce drills;
  private Map<String, ProviderLane> lanes;
  private ChatRouter router;

  public ApiVerticle(GatewayConfig config, TierPlan plan, LaneSource laneSource, String host, int port, String node, EventLog events) {
    this.events = events;
    this.node = node;
    this.config = config;
    this.plan = plan;
    this.laneSource = laneSource;
    this.clock = laneSource.clock();
    this.drills = laneSource.drills();
    this.host = host;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    EventLoopDelay.watch(vertx, laneSource.metrics().eventLoopDelay(Thread.currentThread().getName()));
    lanes = laneSource.open(vertx);
    router = new ChatRouter(lanes, plan, clock, config.airbag().requestTimeout(), laneSource.metrics(),
        laneSource.minutes(), drills);
    Router web = Router.router(vertx);
    web.route().handler(BodyHandler.create(false).setBodyLimit(config.airbag().maxRequestBytes()));
    web.post("/v1/chat/completions").handler(this::chat);
    web.post("/chat/completions").handler(this::chat);
    web.get("/v1/models").handler(this::models);
    web.get("/models").handler(this::models);
    web.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "live")));
    web.get("/health/ready").handler(ctx -> ctx.json(new JsonObject().put("status", "ready")
        .put("deployments", config.deployments().size())));
    // Prometheus text format; names and labels in README. The scrape runs off the event loop.
    web.get("/metrics").handler(ctx -> vertx.executeBlocking(() -> laneSource.metrics().registry().scrape())
        .onSuccess(text -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text))
        .onFailure(ctx::fail));
    // The live dashboard: a page and its data, no external service (the chart library is bundled in the jar).
    HistoryQuery dashboard = new HistoryQuery(vertx, config);
    web.get("/").handler(ctx -> ctx.reroute("/dashboard/index.html"));
    web.get("/dashboard/history").handler(ctx -> history(ctx, dashboard));
    web.get("/dashboard/live").handler(ctx -> live(ctx, dashboard));
    web.get("/dashboard/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false));
    web.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    web.route("/admin/*").handler(this::requireAdminKey);
    web.get("/admin/breakers").handler(this::breakers);
    web.post("/admin/breakers/:deployment/:op").handler(this::breakerCommand);
    web.get("/admin/events").handler(ctx -> events.list()
        .onSuccess(list -> ctx.json(new JsonObject().put("events", list)))
        .onFailure(ctx::fail));
    web.post("/admin/drills").handler(this::startDrill);
    web.get("/admin/drills").handler(this::drills);
    web.get("/admin/drills/:id").handler(this::drill);
    web.get("/admin/judge").handler(ctx -> vertx.eventBus().<JsonObject>request(Addresses.JUDGE_STATS, null)
        .onSuccess(m -> ctx.json(m.body().put("node", node)))
        .onFailure(ctx::fail));
    web.route().last().handler(ctx -> error(ctx.response(), 404, "Unknown request URL: "
        + ctx.request().method() + " " + ctx.request().path(), "invalid_request_error", null, "unknown_url"));
    web.errorHandler(413, ctx -> error(ctx.response(), 413, "The request body is larger than the "
        + config.airbag().maxRequestBytes() + " bytes this gateway accepts.", "invalid_request_error", null, "request_too_large"));
    web.errorHandler(405, ctx -> error(ctx.response(), 405, "Method not allowed", "invalid_request_error", null, null));
    web.errorHandler(500, ctx -> {
      LOG.log(Level.SEVERE, "unexpected failure serving " + ctx.request().path(), ctx.failure());
      error(ctx.response(), 500, "The gateway failed unexpectedly.", "server_error", null, null);
    });
    // Started means reachable both ways: the HTTP port bound and airbag.chat known to the cluster.
    return Future.all(vertx.eventBus().<Object>consumer(Addresses.CHAT, this::busChat).completion(),
        vertx.createHttpServer(serverOptions()).requestHandler(web).listen(port, host));
  }

  /**
   * No WebSocket compression offered, since Airbag serves no WebSocket: with it on (Vert.x's default) every
   * connection's pipeline carries a WebSocket extension handler that looks at each request and response
   * on the way through (~1% of a node's CPU on the healthy path by async-profiler).
   */
  private static HttpServerOptions serverOptions() {
    return new HttpServerOptions().setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  /** 24 hours of minutes, cluster-wide or one node's ({@code ?node=}), with the incident timeline and the breakers now. */
  private void history(RoutingContext ctx, HistoryQuery dashboard) {
    long now = clock.nowMillis();
    long since = now - 24 * 60 * HistoryWriter.MINUTE_MILLIS;
    dashboard.minutes(since, now, nodeParam(ctx), Cluster.memberIds(vertx, node))
        .compose(minutes -> events.list().map(all -> minutes.put("events", new JsonArray(all.stream()
            .filter(e -> ((JsonObject) e).getLong("at") >= since).toList())).put("now", breakersNow()).put("this_node", node)))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /** Server-sent events: every {@value HistoryWriter#FLUSH_MILLIS} ms the last minutes, their events and the breakers now. */
  private void live(RoutingContext ctx, HistoryQuery dashboard) {
    String only = nodeParam(ctx);
    HttpServerResponse response = ctx.response().setChunked(true).putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    response.write(": live\n\n");
    long timer = vertx.setPeriodic(HistoryWriter.FLUSH_MILLIS, t -> {
      long now = clock.nowMillis();
      long since = now - 2 * HistoryWriter.MINUTE_MILLIS;
      dashboard.minutes(since, now, only, Cluster.memberIds(vertx, node))
          .compose(minutes -> events.list().map(all -> minutes.put("events", new JsonArray(all.stream()
              .filter(e -> ((JsonObject) e).getLong("at") >= since).toList()))))
          .onSuccess(minutes -> {
            if (!response.closed()) {
              response.write("data: " + minutes.put("now", breakersNow()).encode() + "\n\n");
            }
          });
    });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  private static String nodeParam(RoutingContext ctx) {
    String n = ctx.request().getParam("node");
    return n == null || n.isBlank() || n.equals("cluster") ? null : n;
  }

  /** Each deployment's breaker as this node reads it now. */
  private JsonObject breakersNow() {
    JsonObject now = new JsonObject();
    config.deployments().forEach(d -> {
      BreakerView v = laneSource.board().view(d.id());
      now.put(d.id(), new JsonObject().put("state", v.state().name()).put("describe", v.describe()));
    });
    return now;
  }

  /** With an admin key configured, admin calls must present it as a bearer token; without one they are open. */
  private void requireAdminKey(RoutingContext ctx) {
    Optional<Secret> key = config.airbag().adminKey();
    String auth = ctx.request().getHeader("authorization");
    String presented = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    if (key.isPresent() && !key.get().matches(presented)) {
      error(ctx.response(), 401, "Admin endpoints need Authorization: Bearer <admin key>.",
          "invalid_request_error", null, "invalid_admin_key");
      return;
    }
    ctx.next();
  }

  private void breakers(RoutingContext ctx) {
    List<Future<JsonObject>> all = config.deployments().stream()
        .map(d -> askBreaker(d, BreakerCommand.SNAPSHOT)).toList();
    Future.all(all).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray breakers = new JsonArray();
      all.forEach(f -> breakers.add(f.result()));
      ctx.json(new JsonObject().put("node", node).put("breakers", breakers));
    });
  }

  private void breakerCommand(RoutingContext ctx) {
    String id = ctx.pathParam("deployment");
    Optional<Deployment> deployment = config.deployment(id);
    if (deployment.isEmpty()) {
      error(ctx.response(), 404, "No deployment '" + id + "'. Deployments: "
          + String.join(", ", config.deployments().stream().map(Deployment::id).toList()), "invalid_request_error", "deployment", null);
      return;
    }
    BreakerCommand command;
    switch (ctx.pathParam("op")) {
      case "open" -> {
        String forParam = ctx.request().getParam("for");
        Optional<Duration> openFor = forParam == null ? Optional.empty() : Durations.parse(forParam);
        if (forParam != null && openFor.isEmpty()) {
          error(ctx.response(), 400, "'for' must be a duration such as 90s, 5m or 1h.", "invalid_request_error", "for", null);
          return;
        }
        command = new BreakerCommand(BreakerCommand.Op.OPEN, openFor);
      }
      case "close" -> command = new BreakerCommand(BreakerCommand.Op.CLOSE, Optional.empty());
      default -> {
        error(ctx.response(), 404, "Breaker operations are open and close.", "invalid_request_error", null, null);
        return;
      }
    }
    askBreaker(deployment.get(), command).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.json(ar.result());
      }
    });
  }

  /** A drill breaks a provider on every node on purpose: it starts only with an admin key configured and presented. */
  private void startDrill(RoutingContext ctx) {
    if (config.airbag().adminKey().isEmpty()) {
      error(ctx.response(), 403, "Drills need an admin key: set airbag.admin_key in the config.", "invalid_request_error", null,
          "admin_key_not_configured");
      return;
    }
    DrillPlan plan;
    try {
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      plan = DrillPlan.parse(body == null ? new JsonObject() : body, config);
    } catch (DecodeException | ClassCastException e) {
      error(ctx.response(), 400, "The drill request must be a JSON object.", "invalid_request_error", null, null);
      return;
    } catch (DrillPlan.Invalid e) {
      error(ctx.response(), 400, e.getMessage(), "invalid_request_error", e.param, null);
      return;
    }
    vertx.eventBus().<JsonObject>request(Addresses.DRILL_START, plan).onComplete(ar -> {
      if (ar.failed()) {
        if (ar.cause() instanceof io.vertx.core.eventbus.ReplyException r && r.failureCode() == 409) {
          error(ctx.response(), 409, r.getMessage(), "invalid_request_error", "target", "drill_in_progress");
        } else {
          ctx.fail(ar.cause());
        }
        return;
      }
      JsonObject report = ar.result().body();
      ctx.response().setStatusCode(202).putHeader("location", "/admin/drills/" + report.getString("id"));
      ctx.json(report);
    });
  }

  private void drills(RoutingContext ctx) {
    vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.DRILL_MAP).compose(map -> map.values()).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonArray list = new JsonArray();
      ar.result().stream().map(this::current).sorted(java.util.Comparator.comparingLong((JsonObject r) -> r.getLong("started_at")).reversed())
          .forEach(r -> list.add(new JsonObject().put("id", r.getString("id")).put("kind", r.getString("kind"))
              .put("target", r.getString("target")).put("status", r.getString("status")).put("started_at", r.getLong("started_at"))));
      ctx.json(new JsonObject().put("drills", list));
    });
  }

  private void drill(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx.sharedData().<String, JsonObject>getAsyncMap(Addresses.DRILL_MAP).compose(map -> map.get(id)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else if (ar.result() == null) {
        error(ctx.response(), 404, "No drill '" + id + "'.", "invalid_request_error", "id", null);
      } else if ("md".equals(ctx.request().getParam("format"))) {
        ctx.response().putHeader("content-type", "text/markdown; charset=utf-8").end(DrillReport.markdown(current(ar.result())));
      } else {
        ctx.json(current(ar.result()));
      }
    });
  }

  /** A report still "running" long after its drill should have finished lost its node: it says so. */
  private JsonObject current(JsonObject report) {
    if ("running".equals(report.getString("status")) && clock.nowMillis() > report.getLong("finish_by") + 60_000) {
      return report.copy().put("status", "abandoned");
    }
    return report;
  }

  private Future<JsonObject> askBreaker(Deployment d, BreakerCommand command) {
    return vertx.eventBus().<JsonObject>request(Addresses.breakerAdmin(d.id()), command).map(reply -> reply.body());
  }

  private void models(RoutingContext ctx) {
    JsonArray data = new JsonArray();
    plan.modelGroups().forEach(g -> data.add(new JsonObject().put("id", g).put("object", "model")
        .put("created", 0).put("owned_by", "airbag")));
    ctx.json(new JsonObject().put("object", "list").put("data", data));
  }

  /** A request as read from either door, with who it is for, or the error to give back instead. */
  private record Parsed(ChatRequest request, RequestOrigin origin, boolean includeUsage, int status, JsonObject error) {
    static Parsed refused(int status, JsonObject error) {
      return new Parsed(null, null, false, status, error);
    }
  }

  /**
   * Reads a request; {@code drill} is its {@value #DRILL_HEADER} header, which makes it a drill's own
   * traffic only when it names a drill this node knows.
   */
  private Parsed parse(Buffer body, String drill) {
    OpenAiJson.CallerRequest read;
    try {
      read = OpenAiJson.request(body);
    } catch (DecodeException e) {
      return Parsed.refused(400, OpenAiJson.error("We could not parse the JSON body of your request. The body must be JSON.",
          "invalid_request_error", null, null));
    } catch (InvalidRequest e) {
      return Parsed.refused(400, OpenAiJson.error(e.getMessage(), "invalid_request_error", e.param(), null));
    }
    ChatRequest request = read.chat();
    if (!plan.modelGroups().contains(request.model())) {
      return Parsed.refused(404, OpenAiJson.error("The model `" + request.model() + "` does not exist. Models here: "
          + String.join(", ", plan.modelGroups()), "invalid_request_error", "model", "model_not_found"));
    }
    RequestOrigin origin = drill != null && drills.knows(drill) ? RequestOrigin.DRILL : RequestOrigin.USER;
    return new Parsed(request, origin, read.includeUsage(), 0, null);
  }

  private void chat(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    Parsed parsed = parse(body == null ? Buffer.buffer() : body, ctx.request().getHeader(DRILL_HEADER));
    if (parsed.request == null) {
      ctx.response().setStatusCode(parsed.status).putHeader("content-type", "application/json").end(parsed.error.encode());
      return;
    }
    Span span = laneSource.tracing().server(ctx.request(), parsed.request.model());
    ctx.response().endHandler(v -> span.setAttribute("http.response.status_code", (long) ctx.response().getStatusCode()).end());
    ctx.response().closeHandler(v -> span.end()); // the caller went away before the end (a stream replaces this)
    router.route(parsed.request, parsed.origin, Context.root().with(span)).onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      traced(span, ar.result());
      respond(ctx.response(), parsed, ar.result(), span);
    });
  }

  private static void traced(Span span, RoutedAnswer answer) {
    if (answer instanceof RoutedAnswer.Served served) {
      NodeTracing.served(span, served.tier(), served.deployment(), answer.attempts());
    } else if (answer instanceof RoutedAnswer.Canned) {
      NodeTracing.served(span, "canned", null, answer.attempts());
    }
  }

  private void respond(HttpServerResponse response, Parsed parsed, RoutedAnswer answer, Span span) {
    response.putHeader(ATTEMPTS_HEADER, String.valueOf(answer.attempts()));
    long created = clock.nowMillis() / 1000;
    if (answer instanceof RoutedAnswer.Served served) {
      response.putHeader(TIER_HEADER, served.tier()).putHeader(DEPLOYMENT_HEADER, served.deployment());
      if (served.stream() != null) {
        stream(response, served, parsed, created, span);
      } else {
        response.putHeader("content-type", "application/json")
            .end(OpenAiJson.appendCompletion(Buffer.buffer(512), served.response(), served.model(), created));
      }
      return;
    }
    if (answer instanceof RoutedAnswer.Refused refused) {
      response.setStatusCode(refused.status()).putHeader("content-type", "application/json").end(refused.error().encode());
      return;
    }
    response.putHeader(TIER_HEADER, "canned");
    CannedSettings settings = config.airbag().canned();
    if (settings.mode() == CannedSettings.Mode.ERROR) {
      error(response, 503, settings.message(), "service_unavailable", null, "all_tiers_failed");
    } else if (parsed.request.stream()) {
      String id = "airbag-canned-" + java.util.UUID.randomUUID();
      response.setChunked(true).putHeader("content-type", "text/event-stream");
      Buffer chunks = OpenAiJson.appendChunkEvent(Buffer.buffer(512), id, CANNED_MODEL, created, ChatChunk.text(settings.message()), true);
      response.write(OpenAiJson.appendChunkEvent(chunks, id, CANNED_MODEL, created,
          new ChatChunk("", Optional.of(FinishReason.STOP), Optional.empty()), false));
      if (parsed.includeUsage) {
        response.write(sse(OpenAiJson.usageChunk(id, CANNED_MODEL, created, new Usage(0, 0))));
      }
      response.end("data: [DONE]\n\n");
    } else {
      response.putHeader("content-type", "application/json").end(cannedCompletion(created).encode());
    }
  }

  /** Rung 3 as a chat completion: plainly the gateway speaking, never dressed up as the model. */
  private JsonObject cannedCompletion(long created) {
    ChatResponse canned = new ChatResponse("airbag-canned-" + java.util.UUID.randomUUID(), CANNED_MODEL,
        config.airbag().canned().message(), FinishReason.STOP, new Usage(0, 0));
    return OpenAiJson.completion(canned, CANNED_MODEL, created).put("system_fingerprint", CANNED_MODEL);
  }

  /**
   * Re-emits a provider's stream as OpenAI chunks; a break mid-stream ends with an error event, no
   * [DONE]. A stream that ends cleanly goes back, assembled, to its deployment's lane for the answer
   * checks and the judge.
   */
  private void stream(HttpServerResponse response, RoutedAnswer.Served served, Parsed parsed, long created, Span span) {
    String id = "chatcmpl-" + java.util.UUID.randomUUID();
    ChatStream stream = served.stream();
    response.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
    response.closeHandler(v -> {
      stream.cancel();
      span.end();
    });
    AtomicReference<Usage> usage = new AtomicReference<>();
    AtomicReference<FinishReason> finish = new AtomicReference<>(FinishReason.STOP);
    StringBuilder text = new StringBuilder();
    boolean[] first = {true};
    // Chunks decoded from one network read leave in one write: a write per chunk is a syscall per token.
    Buffer[] pending = {null};
    Runnable flush = () -> {
      if (pending[0] != null) {
        response.write(pending[0]);
        pending[0] = null;
      }
    };
    stream.subscribe(context, chunk -> {
      chunk.usage().ifPresent(usage::set);
      chunk.finishReason().ifPresent(finish::set);
      text.append(chunk.text());
      if (chunk.text().isEmpty() && chunk.finishReason().isEmpty()) {
        return;
      }
      if (pending[0] == null) {
        pending[0] = Buffer.buffer(512);
        context.runOnContext(v -> flush.run());
      }
      OpenAiJson.appendChunkEvent(pending[0], id, served.model(), created, chunk, first[0]);
      first[0] = false;
    }, end -> {
      flush.run();
      if (end.failed()) {
        ProviderException broke = end.cause() instanceof ProviderException pe
            ? pe : new ProviderException(Outcome.CONNECT_FAILURE, "the provider stream failed");
        if (!response.closed()) {
          lanes.get(served.deployment()).streamBroke(broke); // a caller that hung up is not the provider's fault
        }
        String message = broke.getMessage();
        response.end(sse(OpenAiJson.error("The provider's stream broke off: " + message, "server_error", null, "stream_interrupted")));
        return;
      }
      if (parsed.includeUsage && usage.get() != null) {
        response.write(sse(OpenAiJson.usageChunk(id, served.model(), created, usage.get())));
      }
      response.end("data: [DONE]\n\n");
      lanes.get(served.deployment()).streamEnded(parsed.request,
          new ChatResponse(id, served.model(), text.toString(), finish.get(), usage.get() == null ? new Usage(0, 0) : usage.get()),
          parsed.origin);
    });
  }

  private void busChat(Message<Object> message) {
    // Read from its JSON as an HTTP request is: what is not a JSON object is refused as one would be.
    Object raw = message.body();
    Parsed parsed = parse(raw instanceof JsonObject json ? JsonBytes.encode(json) : Json.encodeToBuffer(raw),
        message.headers().get(DRILL_HEADER));
    if (parsed.request == null) {
      message.fail(parsed.status, parsed.error.encode());
      return;
    }
    if (parsed.request.stream()) {
      message.fail(400, OpenAiJson.error("stream=true is served over HTTP only; the event bus answers whole responses.",
          "invalid_request_error", "stream", null).encode());
      return;
    }
    Span span = laneSource.tracing().bus(parsed.request.model());
    router.route(parsed.request, parsed.origin, Context.root().with(span)).onComplete(ar -> {
      if (ar.succeeded()) {
        traced(span, ar.result());
      }
      span.end();
      if (ar.failed()) {
        message.fail(500, OpenAiJson.error("The gateway failed unexpectedly.", "server_error", null, null).encode());
        return;
      }
      RoutedAnswer answer = ar.result();
      long created = clock.nowMillis() / 1000;
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().set(ATTEMPTS_HEADER, String.valueOf(answer.attempts()));
      if (answer instanceof RoutedAnswer.Served served) {
        message.reply(OpenAiJson.completion(served.response(), served.model(), created),
            new DeliveryOptions().setHeaders(headers.set(TIER_HEADER, served.tier()).set(DEPLOYMENT_HEADER, served.deployment())));
      } else if (answer instanceof RoutedAnswer.Refused refused) {
        message.fail(refused.status(), refused.error().encode());
      } else if (config.airbag().canned().mode() == CannedSettings.Mode.ERROR) {
        message.fail(503, OpenAiJson.error(config.airbag().canned().message(), "service_unavailable", null, "all_tiers_failed").encode());
      } else {
        message.reply(cannedCompletion(created), new DeliveryOptions().setHeaders(headers.set(TIER_HEADER, "canned")));
      }
    });
  }

  /** One server-sent event on its own, written as the streamed chunks are. */
  private static Buffer sse(JsonObject json) {
    return JsonBytes.appendEvent(Buffer.buffer(256), json);
  }

  private static void error(HttpServerResponse response, int status, String message, String type, String param, String code) {
    response.setStatusCode(status).putHeader("content-type", "application/json")
        .end(OpenAiJson.error(message, type, param, code).encode());
  }
}
