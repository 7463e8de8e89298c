package dev.airbag.node.dashboard;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.time.Clock;
import dev.airbag.node.breaker.BreakerBoard;
import dev.airbag.node.breaker.BreakerView;
import dev.airbag.node.cluster.Cluster;
import dev.airbag.node.cluster.EventLog;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live dashboard: its page, its 24 hours of history and its live feed, no external service (the
 * chart library is bundled in the jar).
 */
public final class DashboardPages {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Clock clock;
  private final String node;
  private final EventLog events;
  private final BreakerBoard board;
  private final HistoryQuery history;

  public DashboardPages(
      Vertx vertx,
      GatewayConfig config,
      Clock clock,
      String node,
      EventLog events,
      BreakerBoard board) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.node = node;
    this.events = events;
    this.board = board;
    this.history = new HistoryQuery(vertx, config);
  }

  public void mount(Router web) {
    web.get("/").handler(ctx -> ctx.reroute("/dashboard/index.html"));
    web.get("/dashboard/history").handler(this::history);
    web.get("/dashboard/live").handler(this::live);
    web.get("/dashboard/*").handler(StaticHandler.create("dashboard").setCachingEnabled(false));
    web.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
  }

  /**
   * 24 hours of minutes, cluster-wide or one node's ({@code ?node=}), with the incident timeline
   * and the breakers now.
   */
  private void history(RoutingContext ctx) {
    long now = clock.nowMillis();
    long since = now - 24 * 60 * HistoryWriter.MINUTE_MILLIS;
    minutesWithEvents(since, now, nodeParam(ctx))
        .map(minutes -> minutes.put("now", breakersNow()).put("this_node", node))
        .onSuccess(ctx::json)
        .onFailure(ctx::fail);
  }

  /**
   * Server-sent events: every {@value HistoryWriter#FLUSH_MILLIS} ms the last minutes, their events
   * and the breakers now.
   */
  private void live(RoutingContext ctx) {
    String only = nodeParam(ctx);
    HttpServerResponse response =
        ctx.response()
            .setChunked(true)
            .putHeader("content-type", "text/event-stream")
            .putHeader("cache-control", "no-cache");
    response.write(": live\n\n");
    long timer =
        vertx.setPeriodic(
            HistoryWriter.FLUSH_MILLIS,
            t -> {
              long now = clock.nowMillis();
              minutesWithEvents(now - 2 * HistoryWriter.MINUTE_MILLIS, now, only)
                  .onSuccess(
                      minutes -> {
                        if (!response.closed()) {
                          response.write(
                              "data: " + minutes.put("now", breakersNow()).encode() + "\n\n");
                        }
                      });
            });
    response.closeHandler(v -> vertx.cancelTimer(timer));
  }

  private Future<JsonObject> minutesWithEvents(long since, long now, String only) {
    return history
        .minutes(since, now, only, Cluster.memberIds(vertx, node))
        .compose(
            minutes ->
                events
                    .list()
                    .map(
                        all ->
                            minutes.put(
                                "events",
                                new JsonArray(
                                    all.stream()
                                        .filter(e -> ((JsonObject) e).getLong("at") >= since)
                                        .toList()))));
  }

  private static String nodeParam(RoutingContext ctx) {
    String n = ctx.request().getParam("node");
    return n == null || n.isBlank() || n.equals("cluster") ? null : n;
  }

  /** Each deployment's breaker as this node reads it now. */
  private JsonObject breakersNow() {
    JsonObject now = new JsonObject();
    config
        .deployments()
        .forEach(
            d -> {
              BreakerView v = board.view(d.id());
              now.put(
                  d.id(),
                  new JsonObject().put("state", v.state().name()).put("describe", v.describe()));
            });
    return now;
  }
}
