package dev.airbag.node;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.config.LiteLlmConfigLoader;
import dev.airbag.core.config.ProviderKind;
import dev.airbag.core.time.FakeClock;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The seed config's three tiers, each pointed at its own simulator on loopback, and a node in
 * front: the real parts, started for a test and talked to over real HTTP.
 */
public final class GatewayFixture implements AutoCloseable {

  static final Map<String, String> ENV =
      Map.of(
          "ANTHROPIC_API_KEY",
          "sk-ant-test",
          "OPENAI_API_KEY",
          "sk-openai-test",
          "GEMINI_API_KEY",
          "gemini-test");

  /**
   * A primary (Anthropic) falling back to a secondary (OpenAI), on this fixture's simulators; tests
   * add the rest.
   */
  static final String PRIMARY_THEN_SECONDARY =
      """
      model_list:
        - model_name: primary
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY, api_base: os.environ/P_BASE}
        - model_name: secondary
          litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY, api_base: os.environ/S_BASE}
      router_settings:
        fallbacks: [{primary: [secondary]}]
      """;

  /**
   * One deployment on each of this fixture's simulators (Anthropic, OpenAI, Gemini); tests add the
   * rest.
   */
  static final String THREE_PROVIDERS =
      """
      model_list:
        - model_name: primary
          litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: os.environ/ANTHROPIC_API_KEY, api_base: os.environ/P_BASE}
        - model_name: secondary
          litellm_params: {model: openai/gpt-4.1, api_key: os.environ/OPENAI_API_KEY, api_base: os.environ/S_BASE}
        - model_name: tertiary
          litellm_params: {model: gemini/gemini-2.5-pro, api_key: os.environ/GEMINI_API_KEY, api_base: os.environ/T_BASE}
      """;

  /**
   * The simulators' Vert.x; each node gets its own, as each node is its own process in production.
   */
  final Vertx vertx = Vertx.vertx();

  Vertx nodeVertx;
  final Simulator primary;
  final Simulator secondary;
  final Simulator tertiary;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  FakeClock clock;
  AirbagNode node;

  GatewayFixture() throws Exception {
    primary =
        await(
            Simulator.start(
                vertx, SimulatorOptions.loopback().withApiKey(ENV.get("ANTHROPIC_API_KEY"))));
    secondary =
        await(
            Simulator.start(
                vertx, SimulatorOptions.loopback().withApiKey(ENV.get("OPENAI_API_KEY"))));
    tertiary =
        await(
            Simulator.start(
                vertx, SimulatorOptions.loopback().withApiKey(ENV.get("GEMINI_API_KEY"))));
  }

  static Path seedFile() {
    Path p = Path.of("config/litellm-seed.yaml");
    for (int i = 0; i < 4 && !Files.exists(p); i++) {
      p = Path.of("..").resolve(p);
    }
    return p;
  }

  /**
   * The seed file exactly as committed, with each api_base pointed at its simulator and a short
   * primary timeout.
   */
  GatewayConfig seedConfig(Duration primaryTimeout) {
    GatewayConfig seed = new LiteLlmConfigLoader(ENV::get).load(seedFile());
    return pointAtSimulators(seed, primaryTimeout);
  }

  GatewayConfig pointAtSimulators(GatewayConfig config, Duration primaryTimeout) {
    List<Simulator> sims = List.of(primary, secondary, tertiary);
    List<Deployment> deployments = new java.util.ArrayList<>();
    for (int i = 0; i < config.deployments().size(); i++) {
      Deployment d = config.deployments().get(i);
      String base = sims.get(i).baseUrl() + (d.provider() == ProviderKind.OPENAI ? "/v1" : "");
      deployments.add(
          new Deployment(
              d.id(),
              d.modelGroup(),
              d.provider(),
              d.model(),
              d.apiKey(),
              base,
              i == 0 ? primaryTimeout : d.timeout(),
              d.breaker()));
    }
    return new GatewayConfig(
        config.source(),
        List.copyOf(deployments),
        config.router(),
        config.airbag(),
        config.warnings());
  }

  /**
   * A config written as YAML whose api_base values are os.environ/P_BASE, S_BASE, T_BASE: the
   * simulators.
   */
  GatewayConfig yamlConfig(String yaml) {
    Map<String, String> env = new java.util.HashMap<>(ENV);
    env.put("P_BASE", primary.baseUrl());
    env.put("S_BASE", secondary.baseUrl() + "/v1");
    env.put("T_BASE", tertiary.baseUrl());
    return new LiteLlmConfigLoader(env::get).parse("test.yaml", yaml);
  }

  /** Starts a node on a fake clock the test moves (cooldowns, benches). */
  void startNode(GatewayConfig config) throws Exception {
    startNode(config, options -> options);
  }

  /**
   * As {@link #startNode(GatewayConfig)}, with options of the test's own (an OpenTelemetry SDK,
   * say).
   */
  void startNode(GatewayConfig config, java.util.function.UnaryOperator<NodeOptions> options)
      throws Exception {
    clock = new FakeClock();
    nodeVertx = Vertx.vertx();
    node = await(AirbagNode.start(nodeVertx, config, options.apply(NodeOptions.loopback(clock))));
  }

  /**
   * Starts a node on the real clock, for deadlines: they race real per-call timers, which a fake
   * clock standing still would never let expire.
   */
  void startNodeOnSystemClock(GatewayConfig config) throws Exception {
    clock = null;
    nodeVertx = Vertx.vertx();
    node =
        await(
            AirbagNode.start(
                nodeVertx,
                config,
                NodeOptions.loopback(dev.airbag.core.time.SystemClock.INSTANCE)));
  }

  void stopNode() throws Exception {
    if (node != null) {
      await(nodeVertx.close());
      node = null;
    }
    primary.reset();
    secondary.reset();
    tertiary.reset();
  }

  String url(String path) {
    return "http://127.0.0.1:" + node.httpPort() + path;
  }

  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A request with an {@code Authorization: Bearer} header, as operators call the admin endpoints.
   */
  HttpResponse<String> admin(String method, String path, String key) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url(path)))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) {
      b.header("authorization", "Bearer " + key);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> chat(String model, String question, boolean stream) throws Exception {
    JsonObject body =
        new JsonObject()
            .put("model", model)
            .put(
                "messages",
                new io.vertx.core.json.JsonArray()
                    .add(
                        new JsonObject()
                            .put("role", "system")
                            .put("content", "Summarize the user's text."))
                    .add(new JsonObject().put("role", "user").put("content", question)));
    if (stream) {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return post("/v1/chat/completions", body.encode());
  }

  public static <T> T await(Future<T> future) throws Exception {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  @Override
  public void close() throws Exception {
    await(vertx.close());
  }
}
