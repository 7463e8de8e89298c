package dev.airbag.node.admin;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.Durations;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.node.bus.Addresses;
import dev.airbag.node.bus.BreakerCommand;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code GET /admin/breakers} and {@code POST /admin/breakers/{deployment}/open|close}, as this
 * node's breakers see it.
 */
final class BreakerAdmin {

  private final Vertx vertx;
  private final GatewayConfig config;
  private final String node;

  BreakerAdmin(Vertx vertx, GatewayConfig config, String node) {
    this.vertx = vertx;
    this.config = config;
    this.node = node;
  }

  void mount(Router web) {
    web.get("/admin/breakers").handler(this::list);
    web.post("/admin/breakers/:deployment/:op").handler(this::command);
  }

  private void list(RoutingContext ctx) {
    List<Future<JsonObject>> all =
        config.deployments().stream().map(d -> ask(d, BreakerCommand.SNAPSHOT)).toList();
    Future.all(all)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
                return;
              }
              JsonArray breakers = new JsonArray();
              all.forEach(f -> breakers.add(f.result()));
              ctx.json(new JsonObject().put("node", node).put("breakers", breakers));
            });
  }

  private void command(RoutingContext ctx) {
    String id = ctx.pathParam("deployment");
    Optional<Deployment> deployment = config.deployment(id);
    if (deployment.isEmpty()) {
      AdminApi.error(
          ctx.response(),
          404,
          "No deployment '"
              + id
              + "'. Deployments: "
              + String.join(", ", config.deployments().stream().map(Deployment::id).toList()),
          "deployment",
          null);
      return;
    }
    BreakerCommand command;
    switch (ctx.pathParam("op")) {
      case "open" -> {
        String forParam = ctx.request().getParam("for");
        Optional<Duration> openFor =
            forParam == null ? Optional.empty() : Durations.parse(forParam);
        if (forParam != null && openFor.isEmpty()) {
          AdminApi.error(
              ctx.response(), 400, "'for' must be a duration such as 90s, 5m or 1h.", "for", null);
          return;
        }
        command = new BreakerCommand(BreakerCommand.Op.OPEN, openFor);
      }
      case "close" -> command = new BreakerCommand(BreakerCommand.Op.CLOSE, Optional.empty());
      default -> {
        AdminApi.error(ctx.response(), 404, "Breaker operations are open and close.", null, null);
        return;
      }
    }
    ask(deployment.get(), command)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                ctx.fail(ar.cause());
              } else {
                ctx.json(ar.result());
              }
            });
  }

  private Future<JsonObject> ask(Deployment d, BreakerCommand command) {
    return vertx
        .eventBus()
        .<JsonObject>request(Addresses.breakerAdmin(d.id()), command)
        .map(reply -> reply.body());
  }
}
