package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.simulator.Fault;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Failover cases beyond the seed walk-through: streams, retry-after, the request deadline. */
class FailoverEdgesTest extends NodeTestBase {

  private static final String CONFIG =
      """
      model_list:
        - model_name: primary
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY, api_base: os.environ/P_BASE, timeout: %s}
        - model_name: secondary
          litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY, api_base: os.environ/S_BASE, timeout: 5}
      router_settings:
        fallbacks: [{primary: [secondary]}]
        num_retries: 2
        allowed_fails: 100
      airbag:
        request_timeout: %s
      """;
  private static final String QUESTION = "Snow closed the mountain pass for three days.";

  private static List<String> dataLines(HttpResponse<String> r) {
    return Stream.of(r.body().split("\n"))
        .filter(l -> l.startsWith("data: "))
        .map(l -> l.substring(6))
        .toList();
  }

  @Test
  void anAnthropicStreamIsReEmittedAsOpenAiChunks() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(5, "30s")));
    HttpResponse<String> r = gw.chat("primary", QUESTION, true);

    List<String> data = dataLines(r);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("primary");
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    JsonObject first = new JsonObject(data.get(0));
    assertThat(
            first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"))
        .isEqualTo("assistant");
    assertThat(data.stream().filter(d -> d.contains("\"finish_reason\":\"stop\""))).hasSize(1);
    JsonObject usage = new JsonObject(data.get(data.size() - 2)).getJsonObject("usage");
    assertThat(usage.getInteger("prompt_tokens")).isPositive();
    assertThat(usage.getInteger("completion_tokens")).isPositive();
  }

  @Test
  void aBreakAfterTheFirstTokenEndsTheStreamWithAnErrorEventAndNoDone() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(5, "30s")));
    gw.primary.fault(Fault.of(Fault.Mode.STREAM_CUT).withAfterChunks(2));
    HttpResponse<String> r = gw.chat("primary", QUESTION, true);

    List<String> data = dataLines(r);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("primary");
    assertThat(data).doesNotContain("[DONE]");
    assertThat(new JsonObject(data.get(data.size() - 1)).getJsonObject("error").getString("code"))
        .isEqualTo("stream_interrupted");
    assertThat(gw.secondary.requests()).isZero();
  }

  @Test
  void aLongRetryAfterBenchesTheDeploymentUntilThenInsteadOfWaiting() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(5, "30s")));
    gw.primary.fault(Fault.of(Fault.Mode.RATE_LIMIT).withRetryAfter(7));

    HttpResponse<String> r = gw.chat("primary", QUESTION, false);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");
    assertThat(gw.primary.requests()).as("7 s is too long to wait in place").isEqualTo(1);

    gw.primary.fault(Fault.HEALTHY);
    assertThat(gw.chat("primary", QUESTION, false).headers().firstValue("x-airbag-tier"))
        .hasValue("secondary");
    assertThat(gw.primary.requests()).as("benched until retry-after").isEqualTo(1);

    gw.clock.advance(Duration.ofSeconds(7));
    assertThat(gw.chat("primary", QUESTION, false).headers().firstValue("x-airbag-tier"))
        .hasValue("primary");
  }

  @Test
  void aShortRetryAfterIsWaitedForAndRetriedInPlace() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG.formatted(5, "30s")));
    gw.primary.fault(Fault.of(Fault.Mode.RATE_LIMIT).withRetryAfter(0).withFraction(1.0));

    HttpResponse<String> r = gw.chat("primary", QUESTION, false);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");
    assertThat(gw.primary.requests()).as("a call and num_retries=2 retries").isEqualTo(3);
    assertThat(r.headers().firstValue("x-airbag-attempts")).hasValue("4");
  }

  @Test
  void theRequestDeadlineBoundsEveryTierTogether() throws Exception {
    gw.startNodeOnSystemClock(gw.yamlConfig(CONFIG.formatted(5, "400ms")));
    gw.primary.fault(Fault.of(Fault.Mode.HANG));

    HttpResponse<String> r = gw.chat("primary", QUESTION, false);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-airbag-tier"))
        .as("the primary's 5 s timeout is cut to the 400 ms deadline")
        .hasValue("canned");
    assertThat(gw.secondary.requests()).isZero();
  }

  @Test
  void aDeploymentThatCannotEvenBeCalledFailsOverInsteadOfAnswering500() throws Exception {
    // The loader refuses such a URL; a deployment built past it stands for anything the HTTP
    // client throws before a byte leaves.
    GatewayConfig loaded = gw.yamlConfig(CONFIG.formatted(5, "30s"));
    List<Deployment> deployments = new java.util.ArrayList<>(loaded.deployments());
    Deployment p = deployments.get(0);
    deployments.set(
        0,
        new Deployment(
            p.id(),
            p.modelGroup(),
            p.provider(),
            p.model(),
            p.apiKey(),
            "http://127.0.0.1:99999",
            p.timeout(),
            p.breaker()));
    gw.startNode(
        new GatewayConfig(
            loaded.source(),
            List.copyOf(deployments),
            loaded.router(),
            loaded.airbag(),
            loaded.warnings()));
    HttpResponse<String> r = gw.chat("primary", QUESTION, false);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");
  }
}
