package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.simulator.Fault;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dashboard page during a simulated outage, as an operator's browser shows it: Debian's
 * Chromium, headless, loads {@code GET /} from a node whose primary is down. {@code .ci/run}
 * installs Chromium when it is missing; elsewhere the browser part is skipped without it.
 */
class DashboardTest {

  private static GatewayFixture gateway;

  @BeforeAll
  static void outage() throws Exception {
    gateway = new GatewayFixture();
    // A long cooldown_time: on the real clock the primary stays OPEN while the page is looked at.
    gateway.startNodeOnSystemClock(
        gateway.yamlConfig(GatewayFixture.PRIMARY_THEN_SECONDARY + "  cooldown_time: 600\n"));
    for (int i = 0; i < 5; i++) {
      assertThat(
              gateway
                  .chat("primary", "Frost came early to the orchards this year.", false)
                  .statusCode())
          .isEqualTo(200);
    }
    gateway.primary.fault(Fault.error(503));
    for (int i = 0; i < 20; i++) {
      assertThat(
              gateway
                  .chat("primary", "Frost came early to the orchards this year.", false)
                  .statusCode())
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void close() throws Exception {
    gateway.stopNode();
    gateway.close();
  }

  @Test
  void theHistoryShowsThePrimaryOpenAndTheSecondaryServing() {
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonObject history = new JsonObject(gateway.get("/dashboard/history").body());
              JsonArray states =
                  history
                      .getJsonObject("deployments")
                      .getJsonObject("primary")
                      .getJsonArray("state");
              assertThat(states.getString(states.size() - 1)).isEqualTo("OPEN");
              assertThat(history.getJsonObject("now").getJsonObject("primary").getString("state"))
                  .isEqualTo("OPEN");
              JsonObject tiers = history.getJsonObject("model_groups").getJsonObject("primary");
              long secondary =
                  tiers.getJsonArray("secondary").stream()
                      .mapToLong(v -> ((Number) v).longValue())
                      .sum();
              long primary =
                  tiers.getJsonArray("primary").stream()
                      .mapToLong(v -> ((Number) v).longValue())
                      .sum();
              assertThat(primary).isEqualTo(5);
              assertThat(secondary).isEqualTo(20);
              // The latest minute with calls (on the real clock a new, empty minute may have begun
              // since the outage).
              JsonArray errorRate =
                  history
                      .getJsonObject("deployments")
                      .getJsonObject("primary")
                      .getJsonArray("error_rate");
              Double latest = null;
              for (int i = errorRate.size() - 1; i >= 0 && latest == null; i--) {
                latest = errorRate.getDouble(i);
              }
              assertThat(latest).isPositive();
              assertThat(history.getJsonArray("minutes")).hasSize(24 * 60 + 1);
            });
  }

  @Test
  void liveUpdatesArriveAsServerSentEvents() throws Exception {
    java.net.http.HttpResponse<java.util.stream.Stream<String>> live =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(gateway.url("/dashboard/live")))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
    assertThat(live.headers().firstValue("content-type")).hasValue("text/event-stream");
    try (var lines = live.body()) {
      JsonObject update =
          new JsonObject(
              lines.filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6));
      assertThat(update.getJsonObject("now").getJsonObject("primary").getString("state"))
          .isEqualTo("OPEN");
      assertThat(update.getJsonArray("minutes").size()).isBetween(2, 3);
    }
  }

  @Test
  void theChartLibraryIsServedFromTheJarNotACdn() throws Exception {
    String page = gateway.get("/").body();
    assertThat(page).contains("/webjars/uplot/").doesNotContain("https://");
    assertThat(gateway.get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").statusCode())
        .isEqualTo(200);
  }

  @Test
  void aBrowserShowsThePrimaryOpenAndTheTierMixMovedToTheSecondary() throws Exception {
    Optional<String> chromium = chromium();
    if (System.getenv("CI") == null) {
      Assumptions.assumeTrue(
          chromium.isPresent(), "no Chromium on this machine (.ci/run installs it)");
    }
    assertThat(chromium).as("Chromium, which .ci/run installs when it is missing").isPresent();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                new JsonObject(gateway.get("/dashboard/history").body())
                    .getJsonObject("model_groups")
                    .containsKey("primary"));
    Path screenshot = Path.of("target", "dashboard.png").toAbsolutePath();
    Files.deleteIfExists(screenshot);
    String url =
        gateway.url(
            "/?live=0&span=15"); // a snapshot: a live page never lets headless Chromium's clock run
    // out
    String dom = run(chromium.get(), "--dump-dom", url);
    assertThat(dom).contains("data-deployment=\"primary\"");
    assertThat(dom)
        .containsPattern(
            "data-deployment=\"primary\"><td>primary</td><td>anthropic</td><td>primary</td><td class=\"state\" data-state=\"OPEN\"");
    assertThat(dom)
        .containsPattern(
            "data-group=\"primary\" data-top-tier=\"secondary\"><td>primary</td><td>secondary 80%, primary 20%");
    assertThat(dom).contains("a snapshot of");
    run(chromium.get(), "--screenshot=" + screenshot, url);
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(10_000);
  }

  /**
   * Runs headless Chromium on the page, giving its scripts a few seconds of virtual time; returns
   * what it printed.
   */
  private static String run(String chromium, String what, String url) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--window-size=1280,1700",
                "--virtual-time-budget=5000",
                "--user-data-dir=" + Files.createTempDirectory("chromium"),
                what,
                url));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    String out =
        new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    return out;
  }

  private static Optional<String> chromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir :
          System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return Optional.of(p.toString());
        }
      }
    }
    return Optional.empty();
  }
}
