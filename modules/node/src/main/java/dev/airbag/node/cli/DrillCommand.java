package dev.airbag.node.cli;

import dev.airbag.node.drill.DrillReport;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code airbag drill failover|quality}: starts a drill on any node of a running cluster, follows
 * it, prints its report, and exits 0 when every check passed, 1 when one failed, 2 when it could
 * not run.
 */
@Command(
    name = "drill",
    mixinStandardHelpOptions = true,
    description = {
      "Break a deployment on purpose, on every node, and report whether Airbag coped.",
      "Exit status: 0 every check passed, 1 a check failed, 2 the drill could not run."
    },
    subcommands = {DrillCommand.Failover.class, DrillCommand.Quality.class})
final class DrillCommand implements Runnable {

  static final int PASSED = 0;
  static final int FAILED = 1;
  static final int COULD_NOT_RUN = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(
      name = "failover",
      mixinStandardHelpOptions = true,
      description = {
        "For the window, the target's calls present a broken key on every node (the provider answers 401);",
        "checks the first failure was fast, the next tier took over within one retry, p95 held, the breaker",
        "opened on every node, and the target came back through a probe and the ramp, with no user-visible error."
      })
  static final class Failover extends Drill {
    Failover() {
      super("failover");
    }
  }

  @Command(
      name = "quality",
      mixinStandardHelpOptions = true,
      description = {
        "For the window, the target's answers to the drill's requests are garbled in the node; checks the",
        "judge saw it, the quality breaker opened on every node, and the target came back."
      })
  static final class Quality extends Drill {
    Quality() {
      super("quality");
    }
  }

  abstract static class Drill implements Callable<Integer> {

    private static final Duration POLL_EVERY = Duration.ofSeconds(1);
    private final String kind;

    @Option(
        names = "--url",
        required = true,
        paramLabel = "URL",
        description = "Any node of the cluster, e.g. http://127.0.0.1:8080.")
    String url;

    @Option(
        names = "--target",
        required = true,
        paramLabel = "DEPLOYMENT",
        description = "The deployment to break (see /admin/breakers).")
    String target;

    @Option(
        names = "--duration",
        defaultValue = "2m",
        description = "How long the target stays broken (default: ${DEFAULT-VALUE}).")
    String duration;

    @Option(
        names = "--rate",
        defaultValue = "20/s",
        description =
            "Synthetic requests per second; 0 sends none and judges by live traffic (failover only) (default: ${DEFAULT-VALUE}).")
    String rate;

    @Option(
        names = "--slo-p95",
        paramLabel = "MS",
        description =
            "The p95 latency the drill's requests must stay within (default: the target's per-call timeout).")
    Long sloP95;

    @Option(
        names = "--recovery-limit",
        paramLabel = "DURATION",
        description = "How long the target has to come back after the window (default: 3m).")
    String recoveryLimit;

    @Option(
        names = "--admin-key",
        paramLabel = "KEY",
        defaultValue = "${env:AIRBAG_ADMIN_KEY}",
        description = "The cluster's admin key (default: $AIRBAG_ADMIN_KEY).")
    String adminKey;

    @Option(names = "--json", description = "Print the report as JSON instead of Markdown.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    Drill(String kind) {
      this.kind = kind;
    }

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
      JsonObject body =
          new JsonObject()
              .put("kind", kind)
              .put("target", target)
              .put("duration", duration)
              .put("rate", rate);
      if (sloP95 != null) {
        body.put("slo_p95_ms", sloP95);
      }
      if (recoveryLimit != null) {
        body.put("recovery_limit", recoveryLimit);
      }
      try {
        HttpResponse<String> started =
            http.send(
                request(base + "/admin/drills")
                    .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                    .header("content-type", "application/json")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
          err.println(
              "airbag drill: "
                  + base
                  + " refused the drill (HTTP "
                  + started.statusCode()
                  + "): "
                  + message(started.body()));
          return COULD_NOT_RUN;
        }
        JsonObject report = new JsonObject(started.body());
        String id = report.getString("id");
        err.println(
            "drill "
                + id
                + " started: "
                + target
                + " broken on every node for "
                + duration
                + ", "
                + rate
                + " of synthetic traffic through "
                + base);
        while ("running".equals(report.getString("status"))) {
          Thread.sleep(POLL_EVERY.toMillis());
          HttpResponse<String> now =
              http.send(
                  request(base + "/admin/drills/" + id).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          if (now.statusCode() != 200) {
            err.println(
                "airbag drill: could not read drill "
                    + id
                    + " (HTTP "
                    + now.statusCode()
                    + "): "
                    + message(now.body()));
            return COULD_NOT_RUN;
          }
          report = new JsonObject(now.body());
        }
        out.println(json ? report.encodePrettily() : DrillReport.markdown(report));
        return "passed".equals(report.getString("status")) ? PASSED : FAILED;
      } catch (ConnectException e) {
        err.println("airbag drill: nothing answers at " + base + " (is a node running there?)");
        return COULD_NOT_RUN;
      } catch (IOException | DecodeException e) {
        err.println("airbag drill: " + e.getMessage());
        return COULD_NOT_RUN;
      }
    }

    private HttpRequest.Builder request(String uri) {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30));
      if (adminKey != null && !adminKey.isEmpty()) {
        b.header("authorization", "Bearer " + adminKey);
      }
      return b;
    }

    private static String message(String body) {
      try {
        return new JsonObject(body).getJsonObject("error").getString("message");
      } catch (RuntimeException e) {
        return body;
      }
    }
  }
}
