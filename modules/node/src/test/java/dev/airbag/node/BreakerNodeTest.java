package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.providers.http.ProviderClient;
import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The breaker on one node, seen as a user and an operator see it: over HTTP. */
class BreakerNodeTest extends NodeTestBase {

  private static final String CONFIG =
      GatewayFixture.PRIMARY_THEN_SECONDARY
          + """
        allowed_fails: 1000
      airbag:
        admin_key: os.environ/OPENAI_API_KEY
        breaker: {min_calls: 10, error_rate_threshold: 0.2, cooldown: 30s}
      """;
  private static final String ADMIN_KEY = GatewayFixture.ENV.get("OPENAI_API_KEY");

  @BeforeEach
  void node() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG));
  }

  private static String tier() throws Exception {
    return gw.chat("primary", "Rain fell all week on the valley.", false)
        .headers()
        .firstValue("x-airbag-tier")
        .orElseThrow();
  }

  private static JsonObject primaryBreaker() throws Exception {
    HttpResponse<String> r = gw.admin("GET", "/admin/breakers", ADMIN_KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("breakers").getJsonObject(0);
  }

  @Test
  void anErrorRateTripBenchesThePrimaryThenOneProbeAndTheRampBringItBack() throws Exception {
    gw.primary.fault(Fault.error(503));
    for (int i = 0; i < 10; i++) {
      assertThat(tier()).isEqualTo("secondary");
    }
    JsonObject open = primaryBreaker();
    assertThat(open.getString("state")).isEqualTo("OPEN");
    assertThat(open.getString("reason")).isEqualTo("error_rate");
    assertThat(open.getJsonObject("window").getLong("calls")).isEqualTo(10);

    for (int i = 0; i < 5; i++) {
      assertThat(tier()).isEqualTo("secondary");
    }
    assertThat(gw.primary.requests()).as("OPEN: no call reaches the primary").isEqualTo(10);

    gw.primary.fault(Fault.HEALTHY);
    gw.clock.advance(Duration.ofSeconds(30));
    assertThat(tier()).as("the one probe").isEqualTo("primary");
    assertThat(primaryBreaker().getString("state")).isEqualTo("HALF_OPEN");
    assertThat(primaryBreaker().getDouble("ramp_fraction")).isEqualTo(0.1);

    int toPrimary = 0;
    for (int i = 0; i < 20; i++) {
      if (tier().equals("primary")) {
        toPrimary++;
      }
    }
    assertThat(toPrimary).as("10% of traffic while the ramp's first step holds").isEqualTo(2);
  }

  /**
   * A provider refusing connections is remembered for a moment (calls fail without connecting), but
   * the breaker's probe after a cooldown shorter than that moment still connects, and finds it
   * back.
   */
  @Test
  void aProbeReachesAProviderThatRefusedMomentsBefore() throws Exception {
    gw.stopNode();
    Simulator gone = GatewayFixture.await(Simulator.start(gw.vertx, SimulatorOptions.loopback()));
    GatewayFixture.await(gone.close());
    gw.startNode(
        gw.yamlConfig(
            CONFIG
                .replace("os.environ/P_BASE", gone.baseUrl())
                .replace("cooldown: 30s", "cooldown: 20ms")
                .replace("min_calls: 10", "min_calls: 2")));
    assertThat(tier()).isEqualTo("secondary");
    assertThat(tier()).isEqualTo("secondary");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> primaryBreaker().getString("state").equals("OPEN"));

    Simulator back =
        GatewayFixture.await(
            Simulator.start(
                gw.vertx,
                SimulatorOptions.loopback()
                    .withApiKey(GatewayFixture.ENV.get("ANTHROPIC_API_KEY"))
                    .withPort(URI.create(gone.baseUrl()).getPort())));
    try {
      gw.clock.advance(Duration.ofMillis(ProviderClient.REFUSAL_REMEMBERED_MILLIS / 2));
      assertThat(tier())
          .as("the probe, within the moment the refusal is remembered")
          .isEqualTo("primary");
      assertThat(back.requests()).isEqualTo(1);
    } finally {
      GatewayFixture.await(back.close());
    }
  }

  @Test
  void streamsThatBreakAfterTheirFirstTokenStillTripTheBreaker() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.STREAM_CUT).withAfterChunks(2));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = gw.chat("primary", "Rain fell all week on the valley.", true);
      assertThat(r.headers().firstValue("x-airbag-tier"))
          .as("too late to fail over")
          .hasValue("primary");
      assertThat(r.body()).contains("stream_interrupted");
    }
    // Each broken stream counts a success at its first token and a failure at the break: 10 calls,
    // 50%.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              JsonObject b = primaryBreaker();
              assertThat(b.getString("state")).isEqualTo("OPEN");
              assertThat(b.getString("reason")).isEqualTo("error_rate");
            });
    assertThat(
            gw.chat("primary", "Rain fell all week on the valley.", true)
                .headers()
                .firstValue("x-airbag-tier"))
        .hasValue("secondary");
  }

  @Test
  void healthySuccessesReachTheBreakerGatheredAndCountBesideFailures() throws Exception {
    for (int i = 0; i < 7; i++) {
      assertThat(tier()).isEqualTo("primary");
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(primaryBreaker().getJsonObject("window").getLong("calls")).isEqualTo(7));

    gw.primary.fault(Fault.error(503));
    assertThat(tier()).isEqualTo("secondary");
    JsonObject window = primaryBreaker().getJsonObject("window");
    assertThat(window.getLong("calls")).isEqualTo(8);
    assertThat(window.getLong("failures")).isEqualTo(1);
  }

  @Test
  void operatorsOpenAndCloseABreakerWithTheAdminKey() throws Exception {
    assertThat(gw.admin("GET", "/admin/breakers", null).statusCode()).isEqualTo(401);
    assertThat(gw.admin("POST", "/admin/breakers/primary/open", "wrong").statusCode())
        .isEqualTo(401);

    HttpResponse<String> opened =
        gw.admin("POST", "/admin/breakers/primary/open?for=10m", ADMIN_KEY);
    assertThat(opened.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(opened.body()).getString("reason")).isEqualTo("manual");
    assertThat(tier()).isEqualTo("secondary");
    assertThat(gw.primary.requests()).isZero();

    assertThat(gw.admin("POST", "/admin/breakers/primary/close", ADMIN_KEY).statusCode())
        .isEqualTo(200);
    assertThat(tier()).isEqualTo("primary");
    assertThat(primaryBreaker().getString("state")).isEqualTo("CLOSED");

    assertThat(gw.admin("POST", "/admin/breakers/primary/open?for=soon", ADMIN_KEY).statusCode())
        .isEqualTo(400);
    assertThat(gw.admin("POST", "/admin/breakers/nope/open", ADMIN_KEY).statusCode())
        .isEqualTo(404);
  }

  @Test
  void theAdminViewNeverShowsAKey() throws Exception {
    String body = gw.admin("GET", "/admin/breakers", ADMIN_KEY).body();
    GatewayFixture.ENV.values().forEach(key -> assertThat(body).doesNotContain(key));
  }
}
