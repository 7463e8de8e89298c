package dev.airbag.node.admin;

import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.Secret;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.cluster.EventLog;
import dev.airbag.providers.openai.OpenAiJson;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * {@code /admin/*}: breakers, drills, the incident timeline and the judge's counters, behind the
 * admin key.
 */
public final class AdminApi {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final String node;
  private final EventLog events;
  private final BreakerAdmin breakers;
  private final DrillAdmin drills;

  public AdminApi(Vertx vertx, GatewayConfig config, Clock clock, String node, EventLog events) {
    this.vertx = vertx;
    this.config = config;
    this.node = node;
    this.events = events;
    this.breakers = new BreakerAdmin(vertx, config, node);
    this.drills = new DrillAdmin(vertx, config, clock);
  }

  public void mount(Router web) {
    web.route("/admin/*").handler(this::requireAdminKey);
    breakers.mount(web);
    drills.mount(web);
    web.get("/admin/events")
        .handler(
            ctx ->
                events
                    .list()
                    .onSuccess(list -> ctx.json(new JsonObject().put("events", list)))
                    .onFailure(ctx::fail));
    web.get("/admin/judge")
        .handler(
            ctx ->
                vertx
                    .eventBus()
                    .<JsonObject>request(Addresses.JUDGE_STATS, null)
                    .onSuccess(m -> ctx.json(m.body().put("node", node)))
                    .onFailure(ctx::fail));
  }

  /**
   * With an admin key configured, admin calls must present it as a bearer token; without one they
   * are open.
   */
  private void requireAdminKey(RoutingContext ctx) {
    Optional<Secret> key = config.airbag().adminKey();
    String auth = ctx.request().getHeader("authorization");
    String presented = auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
    if (key.isPresent() && !key.get().matches(presented)) {
      error(
          ctx.response(),
          401,
          "Admin endpoints need Authorization: Bearer <admin key>.",
          null,
          "invalid_admin_key");
      return;
    }
    ctx.next();
  }

  /** Admin errors in the shape the rest of the HTTP API gives them (OpenAI's). */
  static void error(
      HttpServerResponse response, int status, String message, String param, String code) {
    response
        .setStatusCode(status)
        .putHeader("content-type", "application/json")
        .end(OpenAiJson.error(message, "invalid_request_error", param, code).encode());
  }
}
