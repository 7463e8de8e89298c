package dev.airbag.node.api;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.routing.TierPlan;
import dev.airbag.node.admin.AdminApi;
import dev.airbag.node.api.bus.BusDoor;
import dev.airbag.node.api.openai.OpenAiDoor;
import dev.airbag.node.cluster.EventLog;
import dev.airbag.node.dashboard.DashboardPages;
import dev.airbag.node.lane.LaneSource;
import dev.airbag.node.lane.ProviderLane;
import dev.airbag.node.routing.ChatRouter;
import dev.airbag.node.routing.Refusal;
import dev.airbag.node.telemetry.EventLoopDelay;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The node's HTTP server and event-bus door: mounts the API doors, health, metrics, the dashboard
 * and the admin API on one router. Several instances share the port, one per event loop, each with
 * its own lanes to the providers and its own router.
 */
public final class ServerVerticle extends VerticleBase {

  private static final Logger LOG = Logger.getLogger(ServerVerticle.class.getName());

  private final GatewayConfig config;
  private final TierPlan plan;
  private final LaneSource laneSource;
  private final String host;
  private final int port;
  private final String node;
  private final EventLog events;

  public ServerVerticle(
      GatewayConfig config,
      TierPlan plan,
      LaneSource laneSource,
      String host,
      int port,
      String node,
      EventLog events) {
    this.config = config;
    this.plan = plan;
    this.laneSource = laneSource;
    this.host = host;
    this.port = port;
    this.node = node;
    this.events = events;
  }

  @Override
  public Future<?> start() {
    EventLoopDelay.watch(
        vertx, laneSource.metrics().eventLoopDelay(Thread.currentThread().getName()));
    Map<String, ProviderLane> lanes = laneSource.open(vertx);
    ChatRouter router =
        new ChatRouter(
            lanes,
            plan,
            laneSource.clock(),
            config.airbag().requestTimeout(),
            config.airbag().canned(),
            laneSource.metrics(),
            laneSource.minutes(),
            laneSource.drills());
    AnswerPath path = new AnswerPath(router, lanes, laneSource.drills(), laneSource.tracing());
    Router web = Router.router(vertx);
    web.route().handler(BodyHandler.create(false).setBodyLimit(config.airbag().maxRequestBytes()));
    new OpenAiDoor(
            vertx, context, path, plan, laneSource.clock(), config.airbag().stalledClientTimeout())
        .mount(web);
    web.get("/health/live").handler(ctx -> ctx.json(new JsonObject().put("status", "live")));
    web.get("/health/ready")
        .handler(
            ctx ->
                ctx.json(
                    new JsonObject()
                        .put("status", "ready")
                        .put("deployments", config.deployments().size())));
    // Prometheus text format; names and labels in docs/observability.md. The scrape runs off the
    // event loop.
    web.get("/metrics")
        .handler(
            ctx ->
                vertx
                    .executeBlocking(() -> laneSource.metrics().registry().scrape())
                    .onSuccess(
                        text ->
                            ctx.response()
                                .putHeader(
                                    "content-type", "text/plain; version=0.0.4; charset=utf-8")
                                .end(text))
                    .onFailure(ctx::fail));
    new DashboardPages(vertx, config, laneSource.clock(), node, events, laneSource.board())
        .mount(web);
    new AdminApi(vertx, config, laneSource.clock(), node, events).mount(web);
    // Anything else is answered in the dialect most clients speak.
    web.route()
        .last()
        .handler(
            ctx ->
                OpenAiDoor.refuse(
                    ctx.response(),
                    new Refusal(
                        404,
                        "Unknown request URL: "
                            + ctx.request().method()
                            + " "
                            + ctx.request().path(),
                        null,
                        "unknown_url")));
    web.errorHandler(
        413,
        ctx ->
            OpenAiDoor.refuse(
                ctx.response(),
                new Refusal(
                    413,
                    "The request body is larger than the "
                        + config.airbag().maxRequestBytes()
                        + " bytes this gateway accepts.",
                    null,
                    "request_too_large")));
    web.errorHandler(
        405,
        ctx ->
            OpenAiDoor.refuse(ctx.response(), new Refusal(405, "Method not allowed", null, null)));
    web.errorHandler(
        500,
        ctx -> {
          LOG.log(
              Level.SEVERE, "unexpected failure serving " + ctx.request().path(), ctx.failure());
          OpenAiDoor.refuse(
              ctx.response(), new Refusal(500, "The gateway failed unexpectedly.", null, null));
        });
    // Started means reachable both ways: the HTTP port bound and airbag.chat known to the cluster.
    return Future.all(
        new BusDoor(path, laneSource.clock()).open(vertx),
        vertx.createHttpServer(serverOptions()).requestHandler(web).listen(port, host));
  }

  /**
   * No WebSocket compression offered: Airbag serves no WebSocket, and with it on (Vert.x's default)
   * every connection's pipeline carries an extension handler that inspects each request and
   * response.
   */
  private static HttpServerOptions serverOptions() {
    return new HttpServerOptions()
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }
}
