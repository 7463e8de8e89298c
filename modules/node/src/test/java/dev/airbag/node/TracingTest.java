package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.node.telemetry.NodeTracing;
import dev.airbag.simulator.Fault;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spans a failed-over request leaves, read from the OpenTelemetry SDK's in-memory exporter. */
class TracingTest extends NodeTestBase {

  private static final String CONFIG =
      GatewayFixture.PRIMARY_THEN_SECONDARY
          + """
        num_retries: 1
      """;
  private static final String CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String TRACEPARENT = "00-" + CALLER_TRACE + "-00f067aa0ba902b7-01";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();

  @BeforeEach
  void node() throws Exception {
    OpenTelemetrySdk otel =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    gw.startNode(gw.yamlConfig(CONFIG), options -> options.withOpenTelemetry(otel));
  }

  private static HttpResponse<String> chat() throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(gw.url("/v1/chat/completions")))
                .header("content-type", "application/json")
                .header("traceparent", TRACEPARENT)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"The lake froze early this year.\"}]}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aFailedOverRequestHasOneServerSpanWithItsTierAndOneClientSpanPerAttempt() throws Exception {
    gw.primary.fault(Fault.error(503));
    HttpResponse<String> r = chat();
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");

    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                spans.getFinishedSpanItems().stream()
                    .anyMatch(s -> s.getKind() == SpanKind.SERVER));
    List<SpanData> all = spans.getFinishedSpanItems();
    SpanData server =
        all.stream().filter(s -> s.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
    assertThat(server.getTraceId()).as("the caller's trace continues").isEqualTo(CALLER_TRACE);
    assertThat(server.getAttributes().get(NodeTracing.FALLBACK_TIER)).isEqualTo("secondary");
    assertThat(server.getAttributes().get(NodeTracing.DEPLOYMENT)).isEqualTo("secondary");
    assertThat(server.getAttributes().get(NodeTracing.ATTEMPTS)).isEqualTo(3L);

    List<SpanData> clients = all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
    assertThat(clients)
        .as("503, its retry, then the secondary")
        .hasSize(3)
        .allSatisfy(c -> assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId()));
    assertThat(clients)
        .extracting(
            c ->
                c.getAttributes().get(NodeTracing.DEPLOYMENT)
                    + " "
                    + c.getAttributes().get(NodeTracing.OUTCOME))
        .containsExactly("primary server_error", "primary server_error", "secondary success");

    String sent = gw.secondary.lastTraceparent();
    assertThat(sent)
        .as("the provider got the trace, under the attempt's span")
        .startsWith("00-" + CALLER_TRACE + "-" + clients.get(2).getSpanId());
  }
}
