package dev.airbag.providers.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.config.BreakerSettings;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.ProviderKind;
import dev.airbag.core.config.Secret;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.FakeClock;
import dev.airbag.core.time.SystemClock;
import dev.airbag.providers.WireFormats;
import dev.airbag.providers.openai.OpenAiAdapter;
import dev.airbag.simulator.Fault;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Each wire adapter against the simulator over real loopback HTTP. */
class ProviderClientTest {

  private static final String KEY = "sk-test-key-123";
  private static Vertx vertx;
  private static Simulator sim;
  private static Context context;
  private static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    sim = get(Simulator.start(vertx, SimulatorOptions.loopback().withApiKey(KEY)));
    context = vertx.getOrCreateContext();
    http = ProviderClient.newHttpClient(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    get(vertx.close());
  }

  @BeforeEach
  void healthy() {
    sim.reset();
  }

  static Deployment deployment(ProviderKind kind, String base, String key) {
    String apiBase = kind == ProviderKind.OPENAI ? base + "/v1" : base;
    String model =
        switch (kind) {
          case OPENAI -> "gpt-4.1";
          case ANTHROPIC -> "claude-sonnet-4-5";
          case GEMINI -> "gemini-2.5-pro";
        };
    return new Deployment(
        "d",
        "g",
        kind,
        model,
        Optional.of(Secret.of(key)),
        apiBase,
        Duration.ofSeconds(5),
        BreakerSettings.DEFAULTS);
  }

  private static ProviderClient client(ProviderKind kind) {
    return WireFormats.client(
        vertx, http, SystemClock.INSTANCE, deployment(kind, sim.baseUrl(), KEY));
  }

  static ChatRequest request(String question, boolean stream) {
    return new ChatRequest(
        "g",
        List.of(
            new ChatMessage(Role.SYSTEM, "You summarize."), new ChatMessage(Role.USER, question)),
        OptionalInt.of(200),
        OptionalDouble.of(0.2),
        OptionalDouble.empty(),
        List.of(),
        stream,
        Optional.empty());
  }

  /**
   * Runs a call on one event-loop context, as the deployment's verticle would, and waits for it.
   */
  static <T> T onContext(Supplier<Future<T>> call) throws Exception {
    return onContext(context, call);
  }

  static <T> T onContext(Context on, Supplier<Future<T>> call) throws Exception {
    Promise<T> promise = Promise.promise();
    on.runOnContext(v -> call.get().onComplete(promise));
    return get(promise.future());
  }

  static <T> T get(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  private static ProviderException failure(Supplier<Future<?>> call) {
    return failure(context, call);
  }

  private static ProviderException failure(Context on, Supplier<Future<?>> call) {
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> onContext(on, call::get));
    assertThat(thrown).isInstanceOf(ProviderException.class);
    return (ProviderException) thrown;
  }

  @ParameterizedTest
  @EnumSource(ProviderKind.class)
  void aHealthyAnswerTranslatesBothWays(ProviderKind kind) throws Exception {
    ChatResponse response =
        onContext(
            () ->
                client(kind)
                    .complete(request("The river flooded the old mill in spring.", false), 5_000));

    assertThat(response.content()).contains("The river flooded the old mill in spring.");
    assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(response.usage().promptTokens()).isPositive();
    assertThat(response.usage().completionTokens()).isPositive();

    Simulator.Received received = sim.lastReceived();
    assertThat(received.format()).isEqualTo(kind.prefix());
    switch (kind) {
      case OPENAI -> {
        assertThat(received.headers().get("authorization")).isEqualTo("Bearer " + KEY);
        assertThat(received.body().getJsonArray("messages")).hasSize(2);
        assertThat(received.body().getInteger("max_tokens")).isEqualTo(200);
      }
      case ANTHROPIC -> {
        assertThat(received.headers().get("x-api-key")).isEqualTo(KEY);
        assertThat(received.body().getString("system")).isEqualTo("You summarize.");
        assertThat(received.body().getJsonArray("messages")).hasSize(1);
        assertThat(received.body().getInteger("max_tokens")).isEqualTo(200);
      }
      case GEMINI -> {
        assertThat(received.headers().get("x-goog-api-key")).isEqualTo(KEY);
        assertThat(received.path()).isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
        assertThat(received.body().getJsonObject("systemInstruction")).isNotNull();
        assertThat(received.body().getJsonObject("generationConfig").getInteger("maxOutputTokens"))
            .isEqualTo(200);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(ProviderKind.class)
  void aStreamArrivesWholeWithFinishAndUsage(ProviderKind kind) throws Exception {
    ChatStream stream =
        onContext(
            () ->
                client(kind).stream(
                    request("Tides rise twice a day along the coast.", true), 5_000));
    StringBuilder text = new StringBuilder();
    List<ChatChunk> chunks = new java.util.ArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    stream.subscribe(
        context,
        c -> {
          chunks.add(c);
          text.append(c.text());
        },
        end -> {
          if (end.succeeded()) {
            done.complete(null);
          } else {
            done.completeExceptionally(end.cause());
          }
        });
    done.get(10, TimeUnit.SECONDS);

    assertThat(text.toString())
        .isEqualTo("Here is a short summary: Tides rise twice a day along the coast.");
    assertThat(chunks.size()).isGreaterThan(3);
    assertThat(chunks).anySatisfy(c -> assertThat(c.finishReason()).contains(FinishReason.STOP));
    assertThat(chunks).anySatisfy(c -> assertThat(c.usage()).isPresent());
  }

  /**
   * A stream's per-call timeout counts from its latest token: tokens 50 ms apart keep a 400 ms call
   * going for longer than 400 ms in all, and a stream whose tokens stop fails with a timeout.
   */
  @Test
  void aStreamTimesOutOnlyWhenItsTokensStop() throws Exception {
    long delay = 50;
    long timeout = 400;
    Simulator paced =
        get(Simulator.start(vertx, new SimulatorOptions("127.0.0.1", 0, KEY, 42, delay)));
    try {
      ProviderClient client =
          WireFormats.client(
              vertx,
              http,
              SystemClock.INSTANCE,
              deployment(ProviderKind.OPENAI, paced.baseUrl(), KEY));
      String question = "Tides rise twice a day along the coast, pulled by the moon and the sun.";
      List<ChatChunk> chunks = new ArrayList<>();
      CompletableFuture<Throwable> end = new CompletableFuture<>();
      onContext(() -> client.stream(request(question, true), timeout))
          .subscribe(context, chunks::add, r -> end.complete(r.cause()));
      assertThat(end.get(10, TimeUnit.SECONDS)).as("a stream still sending tokens").isNull();
      assertThat(chunks.size() * delay)
          .as("the stream outlasted its timeout, a token every %d ms", delay)
          .isGreaterThan(timeout);

      paced.fault(Fault.of(Fault.Mode.HANG).withAfterChunks(2));
      StringBuilder text = new StringBuilder();
      CompletableFuture<Throwable> stalled = new CompletableFuture<>();
      onContext(() -> client.stream(request(question, true), timeout))
          .subscribe(context, c -> text.append(c.text()), r -> stalled.complete(r.cause()));
      assertThat(stalled.get(10, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(
              ProviderException.class, e -> assertThat(e.outcome()).isEqualTo(Outcome.TIMEOUT));
      assertThat(text).as("the tokens sent before the stall").isNotEmpty();
    } finally {
      get(paced.close());
    }
  }

  @ParameterizedTest
  @EnumSource(ProviderKind.class)
  void everyFailureIsClassified(ProviderKind kind) {
    sim.fault(Fault.error(503));
    assertThat(failure(() -> client(kind).complete(request("q", false), 5_000)).outcome())
        .isEqualTo(Outcome.SERVER_ERROR);

    sim.fault(Fault.of(Fault.Mode.RATE_LIMIT).withRetryAfter(7));
    ProviderException limited = failure(() -> client(kind).complete(request("q", false), 5_000));
    assertThat(limited.outcome()).isEqualTo(Outcome.RATE_LIMITED);
    assertThat(limited.retryAfterMillis()).hasValue(7_000);

    sim.fault(Fault.of(Fault.Mode.BAD_KEY));
    assertThat(failure(() -> client(kind).complete(request("q", false), 5_000)).outcome())
        .isEqualTo(Outcome.AUTH_FAILURE);

    sim.fault(Fault.of(Fault.Mode.CONTEXT_LIMIT).withLimitTokens(10));
    ProviderException context =
        failure(
            () ->
                client(kind)
                    .complete(
                        request(
                            "a prompt that is clearly longer than ten tokens, by a margin", false),
                        5_000));
    assertThat(context.outcome()).isEqualTo(Outcome.CONTEXT_WINDOW_EXCEEDED);

    sim.fault(Fault.error(400));
    assertThat(failure(() -> client(kind).complete(request("q", false), 5_000)).outcome())
        .isEqualTo(Outcome.CLIENT_ERROR);
    sim.fault(Fault.error(404));
    assertThat(failure(() -> client(kind).complete(request("q", false), 5_000)).outcome())
        .isEqualTo(Outcome.CLIENT_ERROR);

    sim.fault(Fault.of(Fault.Mode.RESET));
    assertThat(failure(() -> client(kind).complete(request("q", false), 5_000)).outcome())
        .isEqualTo(Outcome.CONNECT_FAILURE);
  }

  @Test
  void retryAfterIsReadAsMillisSecondsOrAnHttpDate() {
    long now = java.time.Instant.parse("2026-11-25T08:00:00Z").toEpochMilli();
    assertThat(
            ProviderClient.retryAfterMillis(
                MultiMap.caseInsensitiveMultiMap().set("retry-after-ms", "1500"), now))
        .isEqualTo(1_500);
    assertThat(
            ProviderClient.retryAfterMillis(
                MultiMap.caseInsensitiveMultiMap().set("Retry-After", "7"), now))
        .isEqualTo(7_000);
    assertThat(
            ProviderClient.retryAfterMillis(
                MultiMap.caseInsensitiveMultiMap()
                    .set("retry-after", "Wed, 25 Nov 2026 08:00:30 GMT"),
                now))
        .isEqualTo(30_000);
    assertThat(
            ProviderClient.retryAfterMillis(
                MultiMap.caseInsensitiveMultiMap()
                    .set("retry-after", "Wed, 25 Nov 2026 07:59:00 GMT"),
                now))
        .as("a date already past: call again now")
        .isZero();
    assertThat(
            ProviderClient.retryAfterMillis(
                MultiMap.caseInsensitiveMultiMap().set("retry-after", "soon"), now))
        .isEqualTo(-1);
    assertThat(ProviderClient.retryAfterMillis(MultiMap.caseInsensitiveMultiMap(), now))
        .isEqualTo(-1);
  }

  @Test
  void aWrongKeyIsAnAuthFailureAndTheKeyNeverAppearsInTheMessage() {
    ProviderClient wrongKey =
        WireFormats.client(
            vertx,
            http,
            SystemClock.INSTANCE,
            deployment(ProviderKind.ANTHROPIC, sim.baseUrl(), "sk-wrong-999"));
    ProviderException e = failure(() -> wrongKey.complete(request("q", false), 5_000));
    assertThat(e.outcome()).isEqualTo(Outcome.AUTH_FAILURE);
    assertThat(e.status()).isEqualTo(401);
    assertThat(e.getMessage()).doesNotContain("sk-wrong-999");
  }

  @Test
  void aConnectionThatAcceptsAndNeverAnswersTimesOut() {
    sim.fault(Fault.of(Fault.Mode.HANG));
    ProviderException e =
        failure(() -> client(ProviderKind.OPENAI).complete(request("q", false), 300));
    assertThat(e.outcome()).isEqualTo(Outcome.TIMEOUT);
    ProviderException s =
        failure(() -> client(ProviderKind.GEMINI).stream(request("q", true), 300));
    assertThat(s.outcome()).isEqualTo(Outcome.TIMEOUT);
  }

  /** A client of a host whose port was just closed: every connection to it is refused. */
  private static ProviderClient refusingHost() throws Exception {
    return WireFormats.client(
        vertx, http, SystemClock.INSTANCE, deployment(ProviderKind.OPENAI, refusingBase(), KEY));
  }

  /** The address of a simulator that has just closed: its port refuses connections. */
  private static String refusingBase() throws Exception {
    Simulator closed = get(Simulator.start(vertx, SimulatorOptions.loopback()));
    get(closed.close());
    return closed.baseUrl();
  }

  @Test
  void aRefusedConnectionIsAConnectFailure() throws Exception {
    ProviderClient dead = refusingHost();
    assertThat(failure(() -> dead.complete(request("q", false), 2_000)).outcome())
        .isEqualTo(Outcome.CONNECT_FAILURE);
  }

  /**
   * A refusal is remembered for {@link ProviderClient#REFUSAL_REMEMBERED_MILLIS}: calls fail at
   * once, the host is not asked again, and one past it finds the provider back; a breaker's probe
   * never waits.
   */
  @Test
  void aRefusalIsRememberedBrieflyAndAProbeConnectsRegardless() throws Exception {
    String base = refusingBase();
    FakeClock clock = new FakeClock();
    ProviderClient client =
        WireFormats.client(vertx, http, clock, deployment(ProviderKind.OPENAI, base, KEY));
    assertThat(failure(() -> client.complete(request("q", false), 2_000)).getMessage())
        .contains("failed");

    Simulator back =
        get(
            Simulator.start(
                vertx,
                SimulatorOptions.loopback().withApiKey(KEY).withPort(URI.create(base).getPort())));
    try {
      clock.advance(Duration.ofMillis(ProviderClient.REFUSAL_REMEMBERED_MILLIS - 1));
      ProviderException remembered = failure(() -> client.stream(request("q", true), 2_000));
      assertThat(remembered.outcome()).isEqualTo(Outcome.CONNECT_FAILURE);
      assertThat(remembered.getMessage()).contains("refused 99 ms ago");
      assertThat(back.requests()).isZero();

      clock.advance(Duration.ofMillis(1));
      assertThat(onContext(() -> client.complete(request("q", false), 2_000)).content())
          .isNotEmpty();

      get(back.close());
      assertThat(failure(() -> client.complete(request("q", false), 2_000)).getMessage())
          .contains("failed");
      back =
          get(
              Simulator.start(
                  vertx,
                  SimulatorOptions.loopback()
                      .withApiKey(KEY)
                      .withPort(URI.create(base).getPort())));
      client.forgetRefusal();
      assertThat(onContext(() -> client.complete(request("q", false), 2_000)).content())
          .isNotEmpty();
    } finally {
      get(back.close());
    }
  }

  /**
   * Vert.x 5.1 leaves its pool-wait timer armed after a failed connect, holding the call's request
   * and context for the whole timeout: at 2,000 calls a second to a refusing host the heap grew by
   * 150 MB. Timer ids count up per Vert.x instance, so every id between two fresh timers is one
   * armed meanwhile; none may be left. The calls run on a Vert.x of their own, with the production
   * client minus its pool cleaner: that cleaner re-arms a timer every second, which the window
   * caught now and then. They are streamed calls, which arm a timer each (a non-streamed call's
   * deadline is queued, see {@link TimeoutQueueTest}).
   */
  @Test
  void callsToARefusingHostLeaveNoTimerBehind() throws Exception {
    Vertx own = Vertx.vertx();
    try {
      ProviderClient dead =
          WireFormats.client(
              own,
              own.createHttpClient(
                  ProviderClient.clientOptions(), ProviderClient.poolOptions().setCleanerPeriod(0)),
              SystemClock.INSTANCE,
              deployment(ProviderKind.OPENAI, refusingBase(), KEY));
      Context ownContext = own.getOrCreateContext();
      long first = own.setTimer(60_000, id -> {});
      for (int i = 0; i < 20; i++) {
        dead.forgetRefusal(); // each call connects
        assertThat(failure(ownContext, () -> dead.stream(request("q", true), 60_000)).outcome())
            .isEqualTo(Outcome.CONNECT_FAILURE);
      }
      long last = own.setTimer(60_000, id -> {});
      List<Long> leftBehind = new ArrayList<>();
      for (long id = first + 1; id < last; id++) {
        if (own.cancelTimer(id)) {
          leftBehind.add(id);
        }
      }
      assertThat(last - first).as("each call arms its own timeout").isGreaterThan(20);
      assertThat(leftBehind).as("timers still armed after every call ended").isEmpty();
    } finally {
      get(own.close());
    }
  }

  @ParameterizedTest
  @EnumSource(ProviderKind.class)
  void aStreamCutBeforeTheFirstTokenFailsTheCallButACutAfterItEndsTheStream(ProviderKind kind)
      throws Exception {
    sim.fault(Fault.of(Fault.Mode.STREAM_CUT).withAfterChunks(0));
    assertThat(
            failure(() -> client(kind).stream(request("one two three four five", true), 5_000))
                .outcome())
        .isEqualTo(Outcome.CONNECT_FAILURE);

    sim.fault(Fault.of(Fault.Mode.STREAM_CUT).withAfterChunks(2));
    ChatStream stream =
        onContext(() -> client(kind).stream(request("one two three four five", true), 5_000));
    CompletableFuture<Throwable> end = new CompletableFuture<>();
    stream.subscribe(context, c -> {}, r -> end.complete(r.cause()));
    assertThat(end.get(10, TimeUnit.SECONDS)).isInstanceOf(ProviderException.class);
  }

  @Test
  void openAiErrorBodiesAreReadForTheContextCode() {
    JsonObject body =
        new JsonObject()
            .put(
                "error",
                new JsonObject().put("code", "context_length_exceeded").put("message", "too long"));
    assertThat(new OpenAiAdapter().classifyClientError(400, body, "too long"))
        .isEqualTo(Outcome.CONTEXT_WINDOW_EXCEEDED);
  }
}
