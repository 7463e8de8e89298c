package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.simulator.Fault;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code GET /metrics} says after scripted traffic through an outage matches what happened.
 */
class MetricsTest extends NodeTestBase {

  private static final String CONFIG =
      GatewayFixture.PRIMARY_THEN_SECONDARY
          + """
        allowed_fails: 1000
        num_retries: 0
      airbag:
        breaker: {min_calls: 10, error_rate_threshold: 0.2, cooldown: 30s}
      """;

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

  private static String scrape() throws Exception {
    HttpResponse<String> r = gw.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain");
    return r.body();
  }

  /**
   * The value of the series {@code name} carrying every one of {@code labels} ({@code
   * key="value"}), if present.
   */
  static OptionalDouble value(String scrape, String name, String... labels) {
    return scrape
        .lines()
        .filter(
            l ->
                (l.startsWith(name + "{") || l.startsWith(name + " "))
                    && Arrays.stream(labels).allMatch(l::contains))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst();
  }

  @Test
  void callsTiersAndTheBreakerMatchTheOutage() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(tier()).isEqualTo("primary");
    }
    gw.primary.fault(Fault.error(503));
    for (int i = 0; i < 10; i++) {
      assertThat(tier()).isEqualTo("secondary");
    }
    // 5 successes and 5 failures make 10 calls at a 50% error rate: the breaker trips on the 5th
    // failure. The trip reaches the event loops a moment after the failure's reply, so a request or
    // two more may still call the primary: the metrics must count exactly the calls the simulator
    // saw.
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              String m = scrape();
              assertThat(
                      value(m, "airbag_breaker_state", "deployment=\"primary\"", "state=\"open\""))
                  .hasValue(1);
              assertThat(
                      value(
                          m, "airbag_breaker_state", "deployment=\"primary\"", "state=\"closed\""))
                  .hasValue(0);
            });
    String m = scrape();
    assertThat(
            value(
                m, "airbag_provider_calls_total", "deployment=\"primary\"", "outcome=\"success\""))
        .hasValue(5);
    long failedCalls = gw.primary.requests() - 5;
    assertThat(failedCalls).isBetween(5L, 10L);
    assertThat(
            value(
                m,
                "airbag_provider_calls_total",
                "deployment=\"primary\"",
                "outcome=\"server_error\""))
        .hasValue(failedCalls);
    assertThat(
            value(
                m,
                "airbag_provider_calls_total",
                "deployment=\"secondary\"",
                "outcome=\"success\""))
        .hasValue(10);
    assertThat(value(m, "airbag_provider_call_duration_seconds_count", "deployment=\"primary\""))
        .hasValue(5 + failedCalls);
    assertThat(value(m, "airbag_requests_total", "model_group=\"primary\"", "tier=\"primary\""))
        .hasValue(5);
    assertThat(value(m, "airbag_requests_total", "model_group=\"primary\"", "tier=\"secondary\""))
        .hasValue(10);
    assertThat(
            value(
                m,
                "airbag_breaker_transitions_total",
                "deployment=\"primary\"",
                "from=\"closed\"",
                "to=\"open\"",
                "reason=\"error_rate\""))
        .hasValue(1);
    assertThat(value(m, "airbag_breaker_error_rate", "deployment=\"primary\""))
        .hasValue(failedCalls / (5.0 + failedCalls));
    assertThat(value(m, "airbag_breaker_state", "deployment=\"secondary\"", "state=\"closed\""))
        .hasValue(1);
    assertThat(value(m, "airbag_node_info", "node=\"")).hasValue(1);
    assertThat(
            value(m, "airbag_event_loop_delay_seconds_count", "loop=\"vert.x-eventloop-thread-")
                .orElse(0))
        .as("the API loops are watched")
        .isPositive();
    assertThat(m).as("the JVM's own metrics ride along").contains("jvm_memory_used_bytes");
    assertThat(m)
        .as("no secret in any label or value")
        .doesNotContain(
            GatewayFixture.ENV.get("ANTHROPIC_API_KEY"), GatewayFixture.ENV.get("OPENAI_API_KEY"));
  }

  /** The {@code airbag_} names docs/observability.md's metrics table documents. */
  private static Set<String> documented() throws Exception {
    return names(
        Files.readString(Path.of("../../docs/observability.md"))
            .lines()
            .filter(l -> l.startsWith("| `airbag_"))
            .map(l -> l.substring(3, l.indexOf('`', 3)))
            .collect(Collectors.joining(" ")));
  }

  /**
   * Series base names in a text: {@code airbag_x_total}, a histogram's {@code _bucket} etc. folded
   * to its base.
   */
  private static Set<String> names(String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = Pattern.compile("airbag_[a-z_]+").matcher(text);
    while (m.find()) {
      out.add(m.group().replaceAll("_(bucket|count|sum|max)$", ""));
    }
    return out;
  }

  @Test
  void everySeriesIsDocumentedAndTheGrafanaDashboardUsesOnlyDocumentedOnes() throws Exception {
    tier();
    Set<String> documented = documented();
    assertThat(documented)
        .contains("airbag_provider_calls_total", "airbag_requests_total", "airbag_breaker_state");
    String scraped =
        scrape().lines().filter(l -> l.startsWith("airbag_")).collect(Collectors.joining("\n"));
    assertThat(documented).containsAll(names(scraped));
    assertThat(documented)
        .containsAll(names(Files.readString(Path.of("../../dashboards/airbag.json"))));
  }

  @Test
  void everyRequestWhenAllTiersFailIsCountedAsCanned() throws Exception {
    gw.primary.fault(Fault.error(503));
    gw.secondary.fault(Fault.error(503));
    for (int i = 0; i < 3; i++) {
      assertThat(tier()).isEqualTo("canned");
    }
    assertThat(
            value(scrape(), "airbag_requests_total", "model_group=\"primary\"", "tier=\"canned\""))
        .hasValue(3);
  }
}
