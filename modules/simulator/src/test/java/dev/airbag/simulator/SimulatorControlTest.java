package dev.airbag.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The control API as a drill or a person drives it: over HTTP. */
class SimulatorControlTest {

  private static Vertx vertx;
  private static Simulator sim;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim =
        Simulator.start(vertx, SimulatorOptions.loopback())
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(sim.baseUrl() + path))
            .header("content-type", "application/json")
            .header("authorization", "Bearer k")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> chat() throws Exception {
    return post(
        "/v1/chat/completions",
        "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"Bees dance to share where flowers are.\"}]}");
  }

  @Test
  void faultsSwitchAtRunTimeAndRequestsAreCounted() throws Exception {
    post("/_sim/reset", "");
    assertThat(chat().statusCode()).isEqualTo(200);

    HttpResponse<String> set = post("/_sim/fault", "{\"mode\":\"error\",\"status\":502}");
    assertThat(new JsonObject(set.body()).getString("mode")).isEqualTo("error");
    HttpResponse<String> failed = chat();
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(new JsonObject(failed.body()).getJsonObject("error").getString("type"))
        .isEqualTo("server_error");

    post("/_sim/fault", "{\"mode\":\"stupid\",\"garbage\":[\"off_topic\"]}");
    String garbage =
        new JsonObject(chat().body())
            .getJsonArray("choices")
            .getJsonObject(0)
            .getJsonObject("message")
            .getString("content");
    assertThat(garbage).doesNotContain("Bees").contains("weather");

    JsonObject stats = stats();
    assertThat(stats.getLong("requests")).isEqualTo(3);
    assertThat(stats.getLong("faults_served")).isEqualTo(2);
    assertThat(stats.getJsonObject("by_format").getLong("openai")).isEqualTo(3);
  }

  @Test
  void keptAliveCallsShareOneConnection() throws Exception {
    long before =
        stats().getLong("connections_accepted"); // this client's connection is open from here on
    for (int i = 0; i < 3; i++) {
      assertThat(chat().statusCode()).isEqualTo(200);
    }
    assertThat(before).isPositive();
    assertThat(stats().getLong("connections_accepted")).isEqualTo(before);
  }

  @Test
  void aConnectionClosedByItsCallerIsCounted() throws Exception {
    long closed = sim.connectionsClosed();
    long accepted = sim.connectionsAccepted();
    try (Socket socket = new Socket("127.0.0.1", sim.port())) {
      socket
          .getOutputStream()
          .write(
              "GET /_sim/stats HTTP/1.1\r\nhost: sim\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII))
          .isEqualTo("HTTP/1.1 200");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> sim.connectionsClosed() == closed + 1);
    assertThat(sim.connectionsAccepted()).isEqualTo(accepted + 1);
  }

  private JsonObject stats() throws Exception {
    return new JsonObject(
        http.send(
                HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/_sim/stats")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body());
  }

  @Test
  void aFractionalFaultHitsAboutThatShareOfRequests() throws Exception {
    post("/_sim/reset", "");
    post("/_sim/fault", "{\"mode\":\"error\",\"fraction\":0.3}");
    int failed = 0;
    for (int i = 0; i < 200; i++) {
      if (chat().statusCode() != 200) {
        failed++;
      }
    }
    assertThat(failed).isBetween(35, 85);
  }

  @Test
  void anUnknownModeIsRefusedWithTheListOfModes() throws Exception {
    HttpResponse<String> r = post("/_sim/fault", "{\"mode\":\"explode\"}");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("unknown mode 'explode'", "stream_cut");
  }
}
