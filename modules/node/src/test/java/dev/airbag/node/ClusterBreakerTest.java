package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.core.time.FakeClock;
import dev.airbag.simulator.Fault;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Breakers shared across a real Hazelcast cluster of in-process members, each a whole node. */
class ClusterBreakerTest {

  private static final String CONFIG =
      GatewayFixture.THREE_PROVIDERS
          + """
      router_settings:
        fallbacks: [{primary: [secondary]}]
        allowed_fails: 1000
      airbag:
        breaker: {min_calls: 10, error_rate_threshold: 0.2, cooldown: 30s, min_judged: 9}
        judge: {by: [secondary, tertiary], sample_rate: 1.0}
      """;
  private static final FakeClock CLOCK = new FakeClock();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static GatewayFixture sims;
  private static InProcessCluster cluster;
  private static List<AirbagNode> nodes;

  @BeforeAll
  static void cluster() throws Exception {
    sims = new GatewayFixture();
    cluster = new InProcessCluster(sims.yamlConfig(CONFIG), CLOCK, 3);
    nodes = cluster.nodes;
  }

  @AfterAll
  static void close() throws Exception {
    cluster.close();
    sims.close();
  }

  @BeforeEach
  void closedEverywhere() throws Exception {
    sims.primary.reset();
    sims.secondary.reset();
    // A trip from the last test may still be in flight and outrank a close made at the same moment:
    // close until every member agrees.
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              send(nodes.get(0), "POST", "/admin/breakers/primary/close");
              for (AirbagNode n : nodes) {
                assertThat(primaryBreaker(n).getString("state")).isEqualTo("CLOSED");
              }
            });
  }

  private static HttpResponse<String> send(AirbagNode node, String method, String path)
      throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String tier(AirbagNode node) throws Exception {
    String body =
        "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Frost came early to the orchards.\"}]}";
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/chat/completions"))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.headers().firstValue("x-airbag-tier").orElseThrow();
  }

  private static JsonObject primaryBreaker(AirbagNode node) throws Exception {
    return new JsonObject(send(node, "GET", "/admin/breakers").body())
        .getJsonArray("breakers")
        .getJsonObject(0);
  }

  @Test
  void aTripOnOneMemberBenchesTheProviderEverywhereAndAJoinerStartsOpen() throws Exception {
    AirbagNode a = nodes.get(0);
    sims.primary.fault(Fault.error(503));
    for (int i = 0; i < 10; i++) {
      tier(a);
    }
    assertThat(primaryBreaker(a).getString("state")).isEqualTo("OPEN");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (AirbagNode n : nodes) {
                JsonObject b = primaryBreaker(n);
                assertThat(b.getString("state")).isEqualTo("OPEN");
                assertThat(b.getString("reason")).isEqualTo("error_rate");
              }
            });
    long before = sims.primary.requests();
    for (AirbagNode n : nodes) {
      assertThat(tier(n)).isEqualTo("secondary");
    }
    assertThat(sims.primary.requests()).as("no member calls a benched provider").isEqualTo(before);

    // A member that joins now starts from the cluster's state, not from CLOSED.
    AirbagNode joiner = cluster.join();
    assertThat(primaryBreaker(joiner).getString("state")).isEqualTo("OPEN");
    assertThat(tier(joiner)).isEqualTo("secondary");
    assertThat(sims.primary.requests()).isEqualTo(before);

    // The joiner tells the same incident story: the trip (decided on A, recorded once), every
    // member's arrival.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              List<JsonObject> events =
                  new JsonObject(send(joiner, "GET", "/admin/events").body())
                      .getJsonArray("events").stream().map(JsonObject.class::cast).toList();
              List<String> trips =
                  events.stream()
                      .filter(
                          e ->
                              e.getString("type").equals("breaker")
                                  && e.getString("state").equals("OPEN"))
                      .map(
                          e ->
                              e.getString("deployment")
                                  + " "
                                  + e.getString("reason")
                                  + " "
                                  + e.getString("node")
                                  + " "
                                  + e.getLong("at"))
                      .toList();
              assertThat(trips)
                  .doesNotHaveDuplicates()
                  .anyMatch(t -> t.startsWith("primary error_rate " + a.nodeId() + " "));
              assertThat(events)
                  .filteredOn(e -> e.getString("type").equals("member_joined"))
                  .extracting(e -> e.getString("node"))
                  .containsExactlyInAnyOrderElementsOf(
                      nodes.stream().map(AirbagNode::nodeId).toList());
              String scrape = send(joiner, "GET", "/metrics").body();
              assertThat(MetricsTest.value(scrape, "airbag_cluster_members"))
                  .hasValue(nodes.size());
              // Hazelcast's own figures for Airbag's clustered maps, the breaker map among them.
              assertThat(scrape)
                  .contains(
                      "cache_entries{cache=\"airbag.breakers\"",
                      "cache_gets_total{cache=\"airbag.events\"");
            });

    // After the cooldown, one probe in the whole cluster, then every member ramps.
    sims.primary.fault(Fault.HEALTHY);
    CLOCK.advance(Duration.ofSeconds(30));
    // The first call after the cooldown claims the probe for this member and moves on; a later one
    // probes.
    await().atMost(Duration.ofSeconds(5)).until(() -> tier(a).equals("primary"));
    assertThat(sims.primary.requests()).isEqualTo(before + 1);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (AirbagNode n : nodes) {
                JsonObject b = primaryBreaker(n);
                assertThat(b.getString("state")).isEqualTo("HALF_OPEN");
                assertThat(b.getDouble("ramp_fraction")).isEqualTo(0.1);
              }
            });
    for (AirbagNode n : nodes.subList(1, nodes.size())) {
      for (int i = 0; i < 10; i++) {
        tier(n);
      }
    }
    assertThat(sims.primary.requests())
        .as("the probe, then 10% of each other member's traffic")
        .isEqualTo(before + 1 + (nodes.size() - 1));
  }

  @Test
  void underConcurrentTrafficOnEveryMemberExactlyOneProbeReachesTheProvider() throws Exception {
    send(nodes.get(0), "POST", "/admin/breakers/primary/open?for=30s");
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              for (AirbagNode n : nodes) {
                assertThat(primaryBreaker(n).getString("state")).isEqualTo("OPEN");
              }
            });
    // The probe answers slowly, so the whole burst arrives while it is out.
    sims.primary.fault(Fault.of(Fault.Mode.SLOW).withDelay(1_500));
    String claim =
        "primary@"
            + java.time.Instant.parse(primaryBreaker(nodes.get(0)).getString("open_until"))
                .toEpochMilli();
    CLOCK.advance(Duration.ofSeconds(30));
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> burst = new ArrayList<>();
    burst(burst);
    // The first calls after the cooldown claim the probe; once a claim has landed, a second burst
    // arrives while the (slow) probe is out. Across both, one call reaches the primary.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                GatewayFixture.await(
                        cluster
                            .members
                            .get(0)
                            .sharedData()
                            .<String, String>getAsyncMap(dev.airbag.node.bus.Addresses.PROBE_MAP)
                            .compose(m -> m.get(claim)))
                    != null);
    burst(burst);
    for (var f : burst) {
      assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    assertThat(sims.primary.requests()).as("one probe in the whole cluster").isEqualTo(1);
  }

  /** Ten requests to every member at once. */
  private static void burst(
      List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> into) {
    String body =
        "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"Hail on the vines.\"}]}";
    for (int round = 0; round < 10; round++) {
      for (AirbagNode n : nodes) {
        into.add(
            HTTP.sendAsync(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + n.httpPort() + "/v1/chat/completions"))
                    .header("content-type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
    }
  }

  @Test
  void judgeScoresFromEveryMemberAddUpToAQualityTripThatBenchesTheProviderEverywhere()
      throws Exception {
    // Off-topic answers: 200, on time, passing every cheap check; only the judge sees they are
    // garbage.
    sims.primary.fault(Fault.of(Fault.Mode.STUPID).withGarbage(List.of(Fault.Garbage.OFF_TOPIC)));
    for (AirbagNode n : nodes.subList(0, 3)) {
      for (int i = 0; i < 3; i++) {
        tier(n);
      }
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (AirbagNode n : nodes) {
                JsonObject b = primaryBreaker(n);
                assertThat(b.getString("state"))
                    .as("9 judged answers across 3 members, 3 on each")
                    .isEqualTo("OPEN");
                assertThat(b.getString("reason")).isEqualTo("quality");
              }
            });
    assertThat(tier(nodes.get(1))).isEqualTo("secondary");
  }

  @Test
  void failuresSpreadAcrossMembersTripOnTheClustersErrorRate() throws Exception {
    sims.primary.fault(Fault.error(503));
    for (AirbagNode n : nodes.subList(0, 2)) {
      for (int i = 0; i < 4; i++) {
        tier(n);
      }
    }
    AirbagNode c = nodes.get(2);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(primaryBreaker(c).getJsonObject("window").getLong("calls"))
                    .isEqualTo(8));
    assertThat(primaryBreaker(c).getString("state"))
        .as("8 calls: under min_calls anywhere")
        .isEqualTo("CLOSED");
    assertThat(primaryBreaker(c).getJsonObject("nodes")).hasSize(2);

    tier(c);
    tier(c);
    assertThat(primaryBreaker(c).getString("state"))
        .as("10 calls across three members, all failed")
        .isEqualTo("OPEN");
  }
}
