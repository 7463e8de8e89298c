package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.CannedSettings;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.node.bus.Addresses;
import dev.airbag.simulator.Fault;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The seed config's three-tier failover, end to end over real HTTP against simulators. */
class SeedFailoverTest extends NodeTestBase {

  private static final String MODEL = "summarize-primary";
  private static final String QUESTION =
      "The harbour froze in January and the ferries stopped for two weeks.";

  @BeforeEach
  void node() throws Exception {
    gw.startNode(gw.seedConfig(Duration.ofMillis(500)));
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static String content(HttpResponse<String> r) {
    return json(r)
        .getJsonArray("choices")
        .getJsonObject(0)
        .getJsonObject("message")
        .getString("content");
  }

  private static void assertServedBy(HttpResponse<String> r, String tier, String deployment) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue(tier);
    assertThat(r.headers().firstValue("x-airbag-deployment")).hasValue(deployment);
    assertThat(content(r)).contains(QUESTION);
  }

  @Test
  void healthyPrimaryServes() throws Exception {
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertServedBy(r, "primary", "summarize-primary");
    assertThat(r.headers().firstValue("x-airbag-attempts")).hasValue("1");
    assertThat(json(r).getString("object")).isEqualTo("chat.completion");
    assertThat(json(r).getJsonObject("usage").getInteger("total_tokens")).isPositive();
    assertThat(gw.secondary.requests()).isZero();
  }

  @Test
  void primary503IsRetriedOnceThenTheSecondaryServes() throws Exception {
    gw.primary.fault(Fault.error(503));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertServedBy(r, "secondary", "summarize-secondary");
    assertThat(gw.primary.requests()).isEqualTo(2); // num_retries: 1
    assertThat(r.headers().firstValue("x-airbag-attempts")).hasValue("3");
  }

  @Test
  void aHangingPrimaryCostsOnePerCallTimeoutNotARetry() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.HANG));
    java.util.concurrent.CompletableFuture<HttpResponse<String>> sent =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return gw.chat(MODEL, QUESTION, false);
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            });
    // The per-call timeout runs on the node's clock: once the primary holds the call, its 500 ms
    // pass.
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> gw.primary.requests() == 1);
    gw.clock.advance(Duration.ofMillis(500));
    HttpResponse<String> r = sent.get(30, java.util.concurrent.TimeUnit.SECONDS);

    assertServedBy(r, "secondary", "summarize-secondary");
    assertThat(gw.primary.requests()).isEqualTo(1);
    assertThat(r.headers().firstValue("x-airbag-attempts")).hasValue("2");
  }

  @Test
  void aResetConnectionFailsOverAtOnce() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.RESET));
    assertServedBy(gw.chat(MODEL, QUESTION, false), "secondary", "summarize-secondary");
    assertThat(gw.primary.requests()).isEqualTo(1);
  }

  @Test
  void aRevokedKeyFailsOverAtOnce() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.BAD_KEY));
    assertServedBy(gw.chat(MODEL, QUESTION, false), "secondary", "summarize-secondary");
    assertThat(gw.primary.requests()).isEqualTo(1);
  }

  @Test
  void aPromptOverThePrimarysContextWindowGoesToTheContextFallback() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.CONTEXT_LIMIT).withLimitTokens(5));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertServedBy(r, "tertiary", "summarize-tertiary");
    assertThat(gw.secondary.requests()).isZero();
  }

  @Test
  void primaryAndSecondaryDownTheTertiaryServes() throws Exception {
    gw.primary.fault(Fault.error(500));
    gw.secondary.fault(Fault.error(502));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertServedBy(r, "tertiary", "summarize-tertiary");
    assertThat(r.headers().firstValue("x-airbag-attempts")).hasValue("5");
  }

  @Test
  void everyTierDownTheCannedResponseSaysSoAndIsNotTheModel() throws Exception {
    gw.primary.fault(Fault.error(503));
    gw.secondary.fault(Fault.of(Fault.Mode.RESET));
    gw.tertiary.fault(Fault.of(Fault.Mode.BAD_KEY));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("canned");
    assertThat(r.headers().firstValue("x-airbag-deployment")).isEmpty();
    assertThat(content(r))
        .isEqualTo(CannedSettings.DEFAULT_MESSAGE)
        .contains("not an answer from the AI model");
    assertThat(json(r).getString("model")).isEqualTo("airbag-canned");
  }

  @Test
  void aClientErrorGoesBackToTheCallerWithoutFailover() throws Exception {
    gw.primary.fault(Fault.error(400));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(json(r).getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
    assertThat(gw.primary.requests()).isEqualTo(1);
    assertThat(gw.secondary.requests()).isZero();
  }

  @Test
  void aStreamCutBeforeTheFirstTokenFailsOverAndTheClientSeesOneCleanStream() throws Exception {
    gw.primary.fault(Fault.of(Fault.Mode.STREAM_CUT).withAfterChunks(0));
    HttpResponse<String> r = gw.chat(MODEL, QUESTION, true);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-airbag-tier")).hasValue("secondary");
    assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<String> data = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data: ")) {
        data.add(line.substring(6));
      }
    }
    assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
    StringBuilder text = new StringBuilder();
    List<JsonObject> chunks =
        data.subList(0, data.size() - 1).stream().map(JsonObject::new).toList();
    assertThat(chunks)
        .allSatisfy(c -> assertThat(c.getString("object")).isEqualTo("chat.completion.chunk"));
    assertThat(chunks).noneSatisfy(c -> assertThat(c.containsKey("error")).isTrue());
    for (JsonObject c : chunks) {
      if (!c.getJsonArray("choices").isEmpty()) {
        text.append(
            c.getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("delta")
                .getString("content", ""));
      }
    }
    assertThat(text.toString()).isEqualTo("Here is a short summary: " + QUESTION);
    assertThat(chunks.get(chunks.size() - 1).getJsonObject("usage").getInteger("completion_tokens"))
        .isPositive();
    assertThat(gw.primary.requests()).isEqualTo(1);
  }

  @Test
  void allowedFailsBenchesThePrimaryUntilTheCooldownEnds() throws Exception {
    gw.primary.fault(Fault.error(503));
    gw.chat(MODEL, QUESTION, false); // 2 failures (a call and its retry): allowed_fails is 2
    gw.chat(MODEL, QUESTION, false); // the third failure benches it
    assertThat(gw.primary.requests()).isEqualTo(3);

    gw.primary.fault(Fault.HEALTHY);
    for (int i = 0; i < 3; i++) {
      assertServedBy(gw.chat(MODEL, QUESTION, false), "secondary", "summarize-secondary");
    }
    assertThat(gw.primary.requests()).as("benched: no calls during the cooldown").isEqualTo(3);

    gw.clock.advance(Duration.ofSeconds(60)); // cooldown_time: 60
    assertServedBy(gw.chat(MODEL, QUESTION, false), "primary", "summarize-primary");
  }

  @Test
  void theEventBusServesTheSameJsonWithTheSameHeaders() throws Exception {
    gw.primary.fault(Fault.error(503));
    JsonObject request =
        new JsonObject()
            .put("model", MODEL)
            .put(
                "messages",
                new io.vertx.core.json.JsonArray()
                    .add(new JsonObject().put("role", "user").put("content", QUESTION)));
    Message<JsonObject> reply =
        GatewayFixture.await(gw.nodeVertx.eventBus().<JsonObject>request(Addresses.CHAT, request));

    assertThat(reply.headers().get("x-airbag-tier")).isEqualTo("secondary");
    assertThat(
            reply
                .body()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .contains(QUESTION);

    Throwable unknown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                GatewayFixture.await(
                    gw.nodeVertx
                        .eventBus()
                        .request(Addresses.CHAT, request.copy().put("model", "nope"))));
    assertThat(unknown).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) unknown).failureCode()).isEqualTo(404);
  }

  @Test
  void malformedRequestsGetOpenAiErrorsWithTheRightStatus() throws Exception {
    HttpResponse<String> bad = gw.post("/v1/chat/completions", "{not json");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(json(bad).getJsonObject("error").getString("type"))
        .isEqualTo("invalid_request_error");

    HttpResponse<String> noMessages =
        gw.post("/v1/chat/completions", "{\"model\":\"summarize-primary\"}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(json(noMessages).getJsonObject("error").getString("param")).isEqualTo("messages");

    HttpResponse<String> unknown = gw.chat("gpt-nonexistent", QUESTION, false);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(json(unknown).getJsonObject("error").getString("code")).isEqualTo("model_not_found");

    HttpResponse<String> huge =
        gw.post("/v1/chat/completions", "{\"model\":\"" + "x".repeat(4 * 1024 * 1024 + 10) + "\"}");
    assertThat(huge.statusCode()).isEqualTo(413);
    assertThat(json(huge).getJsonObject("error").getString("code")).isEqualTo("request_too_large");

    assertThat(gw.primary.requests() + gw.secondary.requests() + gw.tertiary.requests()).isZero();
  }

  @Test
  void modelsAndHealth() throws Exception {
    JsonObject models = json(gw.get("/v1/models"));
    assertThat(
            models.getJsonArray("data").stream()
                .map(o -> ((JsonObject) o).getString("id"))
                .toList())
        .containsExactly("summarize-primary", "summarize-secondary", "summarize-tertiary");
    assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(gw.get("/health/ready").statusCode()).isEqualTo(200);
  }

  @Test
  void cannedErrorModeAnswers503ForApiClients() throws Exception {
    gw.stopNode();
    GatewayConfig seed = gw.seedConfig(Duration.ofMillis(500));
    GatewayConfig errorMode =
        new GatewayConfig(
            seed.source(),
            seed.deployments(),
            seed.router(),
            new dev.airbag.core.config.AirbagSettings(
                0,
                seed.airbag().adminKey(),
                seed.airbag().breaker(),
                seed.airbag().judge(),
                new CannedSettings(CannedSettings.Mode.ERROR, "Busy, try later."),
                seed.airbag().drills(),
                seed.airbag().callTimeout(),
                seed.airbag().requestTimeout(),
                seed.airbag().maxRequestBytes(),
                seed.airbag().checks(),
                seed.airbag().tracing(),
                seed.airbag().stalledClientTimeout()),
            seed.warnings());
    gw.startNode(errorMode);
    gw.primary.fault(Fault.error(503));
    gw.secondary.fault(Fault.error(503));
    gw.tertiary.fault(Fault.error(503));

    HttpResponse<String> r = gw.chat(MODEL, QUESTION, false);
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(json(r).getJsonObject("error").getString("code")).isEqualTo("all_tiers_failed");
    assertThat(json(r).getJsonObject("error").getString("message")).isEqualTo("Busy, try later.");
  }
}
