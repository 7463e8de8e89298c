package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes as separate JVMs (the built airbag.jar) in one loopback cluster, under steady load
 * from a client that, like a load balancer, retries a failed connection once on another node; one
 * node is killed with SIGKILL mid-run and restarted.
 */
class ChaosIT {

  private static final int HAZELCAST_BASE = 5751;
  private static final int[] PORTS = {18181, 18182, 18183};
  private static final String CLUSTER = "airbag-chaos-" + UUID.randomUUID();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir static Path dir;
  private static Vertx vertx;
  private static final Process[] nodes = new Process[3];
  private static Path config;
  private static Path cluster;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    Simulator primary = GatewayFixture.await(Simulator.start(vertx, SimulatorOptions.loopback()));
    Simulator secondary = GatewayFixture.await(Simulator.start(vertx, SimulatorOptions.loopback()));
    config = dir.resolve("gateway.yaml");
    Files.writeString(
        config,
        """
        model_list:
          - model_name: primary
            litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: k1, api_base: "%s", timeout: 5}
          - model_name: secondary
            litellm_params: {model: openai/gpt-4.1, api_key: k2, api_base: "%s/v1", timeout: 5}
        router_settings:
          fallbacks: [{primary: [secondary]}]
        """
            .formatted(primary.baseUrl(), secondary.baseUrl()));
    cluster = dir.resolve("cluster.xml");
    String loopback;
    try (InputStream in = Files.newInputStream(Path.of("../../cluster-config/loopback.xml"))) {
      loopback = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    // Its own cluster name and ports, so a developer's cluster on 5701 never mixes in.
    Files.writeString(
        cluster,
        loopback
            .replace(
                "<cluster-name>airbag</cluster-name>",
                "<cluster-name>" + CLUSTER + "</cluster-name>")
            .replace(">5701<", ">" + HAZELCAST_BASE + "<")
            .replace("127.0.0.1:570", "127.0.0.1:575")
            .replace("127.0.0.1:5710", "127.0.0.1:5760"));
    for (int i = 0; i < 3; i++) {
      nodes[i] = launch(i);
    }
    for (int i = 0; i < 3; i++) {
      awaitReady(i);
    }
  }

  private static Process launch(int i) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    command.addAll(Arrays.asList(System.getProperty("airbag.jvm.flags").trim().split("\\s+")));
    command.addAll(
        List.of(
            "-jar",
            System.getProperty("airbag.jar"),
            "node",
            "--config",
            config.toString(),
            "--cluster",
            cluster.toString(),
            "--host",
            "127.0.0.1",
            "--http-port",
            String.valueOf(PORTS[i])));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("node-" + i + ".log").toFile())
        .start();
  }

  private static void awaitReady(int i) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> get(PORTS[i], "/health/ready").statusCode() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    for (Process p : nodes) {
      if (p != null) {
        p.destroyForcibly().waitFor();
      }
    }
    GatewayFixture.await(vertx.close());
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> chat(int port) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .timeout(Duration.ofSeconds(10))
            .header("content-type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Wind turned the mill.\"}]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject primaryBreaker(int port) throws Exception {
    return new JsonObject(get(port, "/admin/breakers").body())
        .getJsonArray("breakers")
        .getJsonObject(0);
  }

  @Test
  void killingANodeLosesNoRequestAndNoBreakerState() throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PORTS[0] + "/admin/breakers/primary/open?for=30m"))
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (int port : PORTS) {
                assertThat(primaryBreaker(port).getString("state")).isEqualTo("OPEN");
              }
            });
    JsonObject before = primaryBreaker(PORTS[0]);

    int sent = 0;
    int answered = 0;
    int retried = 0;
    int survivorFailures = 0;
    int lost = 0;
    boolean killed = false;
    for (int i = 0; i < 600; i++) {
      if (i == 200) {
        nodes[1].destroyForcibly(); // SIGKILL: no goodbye to the cluster
        killed = true;
      }
      int first = i % 3;
      sent++;
      HttpResponse<String> r;
      try {
        r = chat(PORTS[first]);
      } catch (IOException refusedOrReset) {
        if (!killed || first != 1) {
          survivorFailures++;
        }
        retried++;
        try {
          r = chat(PORTS[(first + 2) % 3]); // another node; the client does not know which one died
        } catch (IOException again) {
          lost++;
          continue;
        }
      }
      if (r.statusCode() == 200) {
        answered++;
      } else if (!killed || first != 1) {
        survivorFailures++;
      }
    }
    System.out.printf(
        "chaos: sent %d, answered %d, retried %d, lost %d, failures at survivors %d%n",
        sent, answered, retried, lost, survivorFailures);
    assertThat(survivorFailures).as("requests sent to a surviving node that failed").isZero();
    assertThat(lost).as("requests not answered after one retry").isZero();
    assertThat(answered).isEqualTo(sent);
    assertThat(retried).as("requests to the killed node were retried").isPositive();
    for (int port : new int[] {PORTS[0], PORTS[2]}) {
      JsonObject after = primaryBreaker(port);
      assertThat(after.getString("state")).isEqualTo("OPEN");
      assertThat(after.getLong("epoch")).isEqualTo(before.getLong("epoch"));
      assertThat(after.getString("open_until")).isEqualTo(before.getString("open_until"));
    }

    nodes[1] = launch(1);
    awaitReady(1);
    JsonObject rejoined = primaryBreaker(PORTS[1]);
    assertThat(rejoined.getString("state"))
        .as("a restarted node rejoins with the current state")
        .isEqualTo("OPEN");
    assertThat(rejoined.getString("open_until")).isEqualTo(before.getString("open_until"));
    assertThat(chat(PORTS[1]).headers().firstValue("x-airbag-tier")).hasValue("secondary");

    // The restarted node tells the incident: four arrivals (the three, then the restart) and one
    // loss.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonArray events =
                  new JsonObject(get(PORTS[1], "/admin/events").body()).getJsonArray("events");
              assertThat(events.stream().map(e -> ((JsonObject) e).getString("type")))
                  .filteredOn(t -> t.startsWith("member_"))
                  .containsOnly("member_joined", "member_left")
                  .filteredOn(t -> t.equals("member_left"))
                  .hasSize(1);
              assertThat(
                      events.stream()
                          .map(e -> ((JsonObject) e).getString("type"))
                          .filter(t -> t.equals("member_joined")))
                  .hasSize(4);
            });
  }
}
