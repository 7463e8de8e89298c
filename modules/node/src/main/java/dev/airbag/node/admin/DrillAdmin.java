package dev.airbag.node.admin;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.drill.DrillPlan;
import dev.airbag.node.drill.DrillReport;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Comparator;

/**
 * {@code POST /admin/drills} starts one on this node; {@code GET /admin/drills[/{id}]} reads the
 * cluster's reports.
 */
final class DrillAdmin {

  /** A report still "running" this long after its drill should have finished lost its node. */
  static final long ABANDONED_AFTER_MILLIS = 60_000;

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Clock clock;

  DrillAdmin(Vertx vertx, GatewayConfig config, Clock clock) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
  }

  void mount(Router web) {
    web.post("/admin/drills").handler(this::start);
    web.get("/admin/drills").handler(this::list);
    web.get("/admin/drills/:id").handler(this::one);
  }

  /**
   * A drill breaks a provider on every node on purpose: it starts only with an admin key configured
   * and presented.
   */
  private void start(RoutingContext ctx) {
    if (config.airbag().adminKey().isEmpty()) {
      AdminApi.error(
          ctx.response(),
          403,
          "Drills need an admin key: set airbag.admin_key in the config.",
          null,
          "admin_key_not_configured");
      return;
    }
    DrillPlan plan;
    try {
      JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ctx.body().asJsonObject();
      plan = DrillPlan.parse(body == null ? new JsonObject() : body, config);
    } catch (DecodeException | ClassCastException e) {
      AdminApi.error(ctx.response(), 400, "The drill request must be a JSON object.", null, null);
      return;
    } catch (DrillPlan.Invalid e) {
      AdminApi.error(ctx.response(), 400, e.getMessage(), e.param, null);
      return;
    }
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.DRILL_START, plan)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                if (ar.cause() instanceof ReplyException r && r.failureCode() == 409) {
                  AdminApi.error(
                      ctx.response(), 409, r.getMessage(), "target", "drill_in_progress");
                } else {
                  ctx.fail(ar.cause());
                }
                return;
              }
              JsonObject report = ar.result().body();
              ctx.response()
                  .setStatusCode(202)
                  .putHeader("location", "/admin/drills/" + report.getString("id"));
              ctx.json(report);
            });
  }

  private void list(RoutingContext ctx) {
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.DRILL_MAP)
        .compose(map -> map.values())
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
              }
              JsonArray list = new JsonArray();
              ar.result().stream()
                  .map(this::current)
                  .sorted(
                      Comparator.comparingLong((JsonObject r) -> r.getLong("started_at"))
                          .reversed())
                  .forEach(
                      r ->
                          list.add(
                              new JsonObject()
                                  .put("id", r.getString("id"))
                                  .put("kind", r.getString("kind"))
                                  .put("target", r.getString("target"))
                                  .put("status", r.getString("status"))
                                  .put("started_at", r.getLong("started_at"))));
              ctx.json(new JsonObject().put("drills", list));
            });
  }

  private void one(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    vertx
        .sharedData()
        .<String, JsonObject>getAsyncMap(Addresses.DRILL_MAP)
        .compose(map -> map.get(id))
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else if (ar.result() == null) {
                AdminApi.error(ctx.response(), 404, "No drill '" + id + "'.", "id", null);
              } else if ("md".equals(ctx.request().getParam("format"))) {
                ctx.response()
                    .putHeader("content-type", "text/markdown; charset=utf-8")
                    .end(DrillReport.markdown(current(ar.result())));
              } else {
                ctx.json(current(ar.result()));
              }
            });
  }

  /**
   * A report still "running" long after its drill should have finished lost its node: it says so.
   */
  private JsonObject current(JsonObject report) {
    if ("running".equals(report.getString("status"))
        && clock.nowMillis() > report.getLong("finish_by") + ABANDONED_AFTER_MILLIS) {
      return report.copy().put("status", "abandoned");
    }
    return report;
  }
}
