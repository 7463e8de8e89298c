package dev.airbag.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LiteLlmConfigLoaderTest {

  private static final Map<String, String> ENV =
      Map.of(
          "ANTHROPIC_API_KEY", "sk-ant-secret-1",
          "OPENAI_API_KEY", "sk-openai-secret-2",
          "GEMINI_API_KEY", "gemini-secret-3");

  private final LiteLlmConfigLoader loader = new LiteLlmConfigLoader(ENV::get);

  static Path seedFile() {
    Path p = Path.of("config/litellm-seed.yaml");
    for (int i = 0; i < 4 && !Files.exists(p); i++) {
      p = Path.of("..").resolve(p);
    }
    return p;
  }

  @Test
  void theSeedFileLoadsUnchanged() {
    GatewayConfig config = loader.load(seedFile());

    assertThat(config.deployments())
        .extracting(Deployment::id)
        .containsExactly("summarize-primary", "summarize-secondary", "summarize-tertiary");
    Deployment primary = config.deployments().get(0);
    assertThat(primary.provider()).isEqualTo(ProviderKind.ANTHROPIC);
    assertThat(primary.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(primary.apiKey()).get().extracting(Secret::reveal).isEqualTo("sk-ant-secret-1");
    assertThat(primary.apiBase()).isEqualTo("https://api.anthropic.com");
    assertThat(primary.timeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.deployments().get(2).provider()).isEqualTo(ProviderKind.GEMINI);
    assertThat(config.deployments().get(2).timeout()).isEqualTo(Duration.ofSeconds(25));

    RouterSettings router = config.router();
    assertThat(router.fallbacks())
        .containsEntry("summarize-primary", List.of("summarize-secondary", "summarize-tertiary"));
    assertThat(router.contextWindowFallbacks())
        .containsEntry("summarize-primary", List.of("summarize-tertiary"));
    assertThat(router.allowedFails()).isEqualTo(2);
    assertThat(router.cooldownTime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(router.numRetries()).isEqualTo(1);
    assertThat(config.airbag().breaker()).isEqualTo(BreakerSettings.DEFAULTS);
    assertThat(config.warnings()).isEmpty();
  }

  @Test
  void blockStyleLoadsTheSameAsFlowStyle() {
    String block =
        """
        model_list:
          - model_name: summarize-primary
            litellm_params:
              model: anthropic/claude-sonnet-4-5
              api_key: os.environ/ANTHROPIC_API_KEY
              timeout: 20
          - model_name: summarize-secondary
            litellm_params:
              model: openai/gpt-4.1
              api_key: os.environ/OPENAI_API_KEY
              timeout: 20
          - model_name: summarize-tertiary
            litellm_params:
              model: gemini/gemini-2.5-pro
              api_key: os.environ/GEMINI_API_KEY
              timeout: 25
        router_settings:
          fallbacks:
            - summarize-primary:
                - summarize-secondary
                - summarize-tertiary
          context_window_fallbacks:
            - summarize-primary:
                - summarize-tertiary
          allowed_fails: 2
          cooldown_time: 60
          num_retries: 1
        """;
    GatewayConfig fromBlock = loader.parse("block.yaml", block);
    GatewayConfig fromFlow = loader.load(seedFile());

    assertThat(fromBlock.router()).isEqualTo(fromFlow.router());
    assertThat(fromBlock.deployments())
        .extracting(Deployment::id, Deployment::provider, Deployment::model, Deployment::timeout)
        .isEqualTo(
            fromFlow.deployments().stream()
                .map(
                    d ->
                        org.assertj.core.groups.Tuple.tuple(
                            d.id(), d.provider(), d.model(), d.timeout()))
                .toList());
  }

  @Test
  void aMissingEnvironmentVariableIsNamedAndNoKeyIsShown() {
    LiteLlmConfigLoader partial =
        new LiteLlmConfigLoader(Map.of("ANTHROPIC_API_KEY", "sk-ant-secret-1")::get);

    assertThatThrownBy(() -> partial.load(seedFile()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("litellm-seed.yaml:5:")
        .hasMessageContaining("model_list[1].litellm_params.api_key")
        .hasMessageContaining("OPENAI_API_KEY is not set")
        .message()
        .doesNotContain("sk-ant-secret-1");
  }

  @Test
  void aBadValueNamesFileLineAndField() {
    String yaml =
        """
        model_list:
          - model_name: a
            litellm_params:
              model: openai/gpt-4.1
              timeout: soon
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
        .hasMessage(
            "gw.yaml:5: model_list[0].litellm_params.timeout: expected a duration of at least 1ms such as 30, 300s, 5m, 1h or 250ms, got \"soon\"");
  }

  @Test
  void anApiBaseThatCannotBeCalledIsRefusedAtLoadWithItsLine() {
    for (String[] bad :
        new String[][] {
          {"http://127.0.0.1:99999/v1", "port 99999 is outside 1-65535"},
          {"http://:8080/v1", "no host"},
          {"http://host/v1?x=1", "no query or fragment"},
          {"http://ho st/v1", "Illegal character"}
        }) {
      String yaml =
          """
          model_list:
            - model_name: a
              litellm_params:
                model: openai/gpt-4.1
                api_base: "%s"
          """
              .formatted(bad[0]);
      assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
          .as(bad[0])
          .hasMessageStartingWith(
              "gw.yaml:5: model_list[0].litellm_params.api_base: expected an http")
          .hasMessageContaining(bad[1]);
    }
  }

  @Test
  void tracingIsOffUnlessAnOtlpEndpointIsGivenAndABadOneIsNamed() {
    String base =
        """
        model_list:
          - model_name: a
            litellm_params: {model: openai/gpt-4.1}
        """;
    assertThat(loader.parse("gw.yaml", base).airbag().tracing().otlpEndpoint()).isEmpty();
    TracingSettings on =
        loader
            .parse(
                "gw.yaml",
                base
                    + "airbag:\n  tracing: {otlp_endpoint: \"http://collector:4318/v1/traces\", sample_rate: 0.1}\n")
            .airbag()
            .tracing();
    assertThat(on.otlpEndpoint()).hasValue("http://collector:4318/v1/traces");
    assertThat(on.sampleRate()).isEqualTo(0.1);
    assertThat(on.serviceName()).isEqualTo("airbag");
    assertThatThrownBy(
            () ->
                loader.parse(
                    "gw.yaml", base + "airbag:\n  tracing:\n    otlp_endpoint: collector:4318\n"))
        .hasMessageStartingWith(
            "gw.yaml:6: airbag.tracing.otlp_endpoint: expected an http:// or https:// URL");
  }

  @Test
  void aDrillScheduleLoadsAndItsMistakesAreNamed() {
    String base =
        """
        model_list:
          - model_name: a
            litellm_params: {model: openai/gpt-4.1}
        """;
    assertThat(loader.parse("gw.yaml", base).airbag().drills().schedule()).isEmpty();
    DrillSettings drills =
        loader
            .parse(
                "gw.yaml",
                base
                    + "airbag:\n  drills: {schedule: \"0 10 * * TUE#1\", target: a, duration: 5m, rate: 10}\n")
            .airbag()
            .drills();
    assertThat(drills.schedule().map(Object::toString)).hasValue("0 10 * * TUE#1");
    assertThat(drills.target()).hasValue("a");
    assertThat(drills.duration()).hasMinutes(5);
    assertThatThrownBy(
            () ->
                loader.parse(
                    "gw.yaml", base + "airbag:\n  drills:\n    schedule: \"0 25 * * *\"\n"))
        .hasMessageStartingWith("gw.yaml:6: airbag.drills.schedule: expected a cron schedule")
        .hasMessageContaining("hour 25 is outside 0-23");
    assertThatThrownBy(
            () ->
                loader.parse(
                    "gw.yaml",
                    base + "airbag:\n  drills:\n    schedule: \"0 10 * * *\"\n    target: b\n"))
        .hasMessageStartingWith(
            "gw.yaml:7: airbag.drills.target: no deployment 'b'; deployments: a");
  }

  @Test
  void anUnknownAirbagKeyIsAnErrorThatNamesIt() {
    String yaml =
        """
        model_list:
          - model_name: a
            litellm_params: {model: openai/gpt-4.1}
        airbag:
          breaker:
            eror_rate_threshold: 0.1
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
        .hasMessageStartingWith("gw.yaml:6: airbag.breaker.eror_rate_threshold: unknown setting;")
        .hasMessageContaining("error_rate_threshold");
  }

  @Test
  void litellmSettingsAirbagDoesNotUseLoadWithOneWarningNamingThem() {
    String yaml =
        """
        model_list:
          - model_name: a
            litellm_params: {model: openai/gpt-4.1, rpm: 60}
        router_settings:
          routing_strategy: simple-shuffle
        litellm_settings:
          drop_params: true
        general_settings:
          master_key: sk-1234
        """;
    GatewayConfig config = loader.parse("gw.yaml", yaml);

    assertThat(config.warnings())
        .anySatisfy(w -> assertThat(w).contains("litellm_settings", "general_settings"));
    assertThat(config.warnings()).anySatisfy(w -> assertThat(w).contains("routing_strategy"));
    assertThat(config.warnings()).anySatisfy(w -> assertThat(w).contains("rpm"));
    assertThat(String.join(" ", config.warnings())).doesNotContain("sk-1234");
  }

  @Test
  void aFallbackToAnUnknownGroupIsRejectedWithItsLine() {
    String yaml =
        """
        model_list:
          - model_name: a
            litellm_params: {model: openai/gpt-4.1}
        router_settings:
          fallbacks:
            - a: [b]
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
        .hasMessageStartingWith(
            "gw.yaml:6: router_settings.fallbacks[0].a: 'b' is not a model_name in model_list");
  }

  @Test
  void anUnsupportedProviderIsNamed() {
    String yaml =
        """
        model_list:
          - model_name: a
            litellm_params: {model: bedrock/claude}
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
        .hasMessageContaining(
            "gw.yaml:3: model_list[0].litellm_params.model: provider 'bedrock' is not supported");
  }

  @Test
  void syntaxErrorsAndDuplicateKeysNameTheLine() {
    assertThatThrownBy(() -> loader.parse("gw.yaml", "model_list:\n  - model_name: [a\n"))
        .hasMessageStartingWith("gw.yaml:")
        .hasMessageContaining("not valid YAML");
    String dup =
        """
        model_list:
          - model_name: a
            model_name: b
            litellm_params: {model: openai/gpt-4.1}
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", dup)).hasMessageContaining("is given twice");
  }

  @Test
  void severalDeploymentsInOneGroupGetDistinctIdsAndAirbagSettingsOverride() {
    String yaml =
        """
        model_list:
          - model_name: chat
            litellm_params: {model: openai/gpt-4.1, api_base: "http://127.0.0.1:9000/v1/"}
          - model_name: chat
            litellm_params: {model: gemini-2.5-flash}
            airbag:
              breaker: {error_rate_threshold: 0.5, cooldown: 5m}
        router_settings:
          timeout: 30
        airbag:
          http_port: 9090
          admin_key: os.environ/ADMIN
          canned: {mode: error}
          breaker: {min_calls: 5}
        """;
    GatewayConfig config =
        new LiteLlmConfigLoader(Map.of("ADMIN", "adm")::get).parse("gw.yaml", yaml);

    assertThat(config.deployments()).extracting(Deployment::id).containsExactly("chat", "chat-2");
    assertThat(config.deployments().get(0).apiBase()).isEqualTo("http://127.0.0.1:9000/v1");
    assertThat(config.deployments().get(1).provider()).isEqualTo(ProviderKind.GEMINI);
    assertThat(config.deployments().get(1).timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.deployments().get(1).breaker().errorRateThreshold()).isEqualTo(0.5);
    assertThat(config.deployments().get(1).breaker().cooldown()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.deployments().get(1).breaker().minCalls()).isEqualTo(5);
    assertThat(config.deployments().get(0).breaker().errorRateThreshold()).isEqualTo(0.02);
    assertThat(config.airbag().httpPort()).isEqualTo(9090);
    assertThat(config.airbag().adminKey()).get().hasToString("[redacted]");
    assertThat(config.airbag().canned().mode()).isEqualTo(CannedSettings.Mode.ERROR);
  }

  @Test
  void eachDeploymentIsJudgedByTheFirstListedDeploymentOfAnotherProvider() {
    GatewayConfig config =
        loader.parse(
            "gw.yaml",
            """
        model_list:
          - {model_name: p, litellm_params: {model: anthropic/claude-sonnet-4-5}}
          - {model_name: s, litellm_params: {model: openai/gpt-4.1}}
          - {model_name: t, litellm_params: {model: gemini/gemini-2.5-pro}}
        airbag:
          judge: {by: [s, t]}
        """);
    assertThat(config.judgeFor(config.deployments().get(0)))
        .get()
        .extracting(Deployment::id)
        .isEqualTo("s");
    assertThat(config.judgeFor(config.deployments().get(1)))
        .get()
        .extracting(Deployment::id)
        .isEqualTo("t");
    assertThat(config.judgeFor(config.deployments().get(2)))
        .get()
        .extracting(Deployment::id)
        .isEqualTo("s");
  }

  @Test
  void aProviderJudgingItselfIsRejectedAtLoad() {
    String yaml =
        """
        model_list:
          - {model_name: p, litellm_params: {model: anthropic/claude-sonnet-4-5}}
          - {model_name: p2, litellm_params: {model: anthropic/claude-haiku-4-5}}
          - {model_name: s, litellm_params: {model: openai/gpt-4.1}}
        airbag:
          judge:
            by: [p2]
        """;
    assertThatThrownBy(() -> loader.parse("gw.yaml", yaml))
        .hasMessageStartingWith(
            "gw.yaml:7: airbag.judge.by: p (anthropic) would have no judge: a provider never judges itself");
  }
}
