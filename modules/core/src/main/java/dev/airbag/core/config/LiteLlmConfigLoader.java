package dev.airbag.core.config;

import dev.airbag.core.quality.AnswerCheck;
import dev.airbag.core.time.CronSchedule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;

/**
 * Loads a LiteLLM proxy config unchanged ({@code model_list}, {@code router_settings}) plus
 * Airbag's own {@code airbag:} section, and validates it whole. LiteLLM settings Airbag does not
 * act on load with a warning naming them; an unknown key under {@code airbag:} is an error.
 */
public final class LiteLlmConfigLoader {

  private static final Set<String> ROUTER_KEYS_USED =
      Set.of(
          "fallbacks",
          "context_window_fallbacks",
          "default_fallbacks",
          "allowed_fails",
          "cooldown_time",
          "num_retries",
          "timeout");
  private static final Set<String> PARAMS_USED = Set.of("model", "api_key", "api_base", "timeout");
  private static final Set<String> AIRBAG_KEYS =
      Set.of(
          "http_port",
          "admin_key",
          "breaker",
          "judge",
          "canned",
          "drills",
          "call_timeout",
          "request_timeout",
          "max_request_bytes",
          "checks",
          "tracing",
          "stalled_client_timeout");
  private static final Set<String> BREAKER_KEYS =
      Set.of(
          "error_rate_threshold",
          "min_calls",
          "window",
          "slow_call_threshold",
          "slow_call_rate_threshold",
          "judge_threshold",
          "min_judged",
          "judge_window",
          "cooldown");

  private final Function<String, String> env;

  /**
   * @param env looks up environment variables for {@code os.environ/NAME}; {@code System::getenv}
   *     in production
   */
  public LiteLlmConfigLoader(Function<String, String> env) {
    this.env = env;
  }

  public GatewayConfig load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(
          file + ": cannot read the config file (" + e.getClass().getSimpleName() + ")");
    }
    return parse(file.toString(), text);
  }

  public GatewayConfig parse(String source, String text) {
    YamlTree root = YamlTree.parse(source, text, env);
    List<String> warnings = new ArrayList<>();
    List<String> ignoredTopLevel = new ArrayList<>();
    for (String key : root.entries().keySet()) {
      if (!Set.of("model_list", "router_settings", "airbag").contains(key)) {
        ignoredTopLevel.add(key);
      }
    }
    if (!ignoredTopLevel.isEmpty()) {
      warnings.add(
          "settings Airbag does not act on were ignored: " + String.join(", ", ignoredTopLevel));
    }

    AirbagSettings airbag = airbagSettings(root.get("airbag"));
    RouterSettings router = routerSettings(root.get("router_settings"), warnings);
    List<Deployment> deployments =
        deployments(root.require("model_list"), router, airbag, warnings);
    Set<String> groups = new java.util.LinkedHashSet<>();
    deployments.forEach(d -> groups.add(d.modelGroup()));
    validateGroupReferences(root, groups);
    GatewayConfig config =
        new GatewayConfig(source, List.copyOf(deployments), router, airbag, List.copyOf(warnings));
    if (!airbag.judge().by().isEmpty()) {
      for (Deployment d : deployments) {
        if (config.judgeFor(d).isEmpty()) {
          throw root.require("airbag")
              .require("judge")
              .require("by")
              .error(
                  d.id()
                      + " ("
                      + d.provider().prefix()
                      + ") would have no judge: a provider never judges itself, so list a model group of another provider");
        }
      }
    }
    airbag
        .drills()
        .target()
        .filter(t -> config.deployment(t).isEmpty())
        .ifPresent(
            t -> {
              throw root.require("airbag")
                  .require("drills")
                  .require("target")
                  .error(
                      "no deployment '"
                          + t
                          + "'; deployments: "
                          + String.join(", ", deployments.stream().map(Deployment::id).toList()));
            });
    return config;
  }

  private List<Deployment> deployments(
      YamlTree modelList, RouterSettings router, AirbagSettings airbag, List<String> warnings) {
    List<YamlTree> entries = modelList.items();
    if (entries.isEmpty()) {
      throw modelList.error("needs at least one deployment");
    }
    Map<String, Integer> perGroup = new HashMap<>();
    for (YamlTree entry : entries) {
      perGroup.merge(entry.require("model_name").string(), 1, Integer::sum);
    }
    Map<String, Integer> seen = new HashMap<>();
    Set<String> ids = new java.util.HashSet<>();
    Set<String> ignoredParams = new java.util.TreeSet<>();
    List<Deployment> out = new ArrayList<>();
    for (YamlTree entry : entries) {
      YamlTree nameNode = entry.require("model_name");
      String group = nameNode.string();
      int ordinal = seen.merge(group, 1, Integer::sum);
      YamlTree params = entry.require("litellm_params");
      params.entries().keySet().stream()
          .filter(k -> !PARAMS_USED.contains(k))
          .forEach(ignoredParams::add);

      YamlTree modelNode = params.require("model");
      String qualified = modelNode.string();
      ProviderKind provider;
      String model;
      int slash = qualified.indexOf('/');
      if (slash > 0) {
        String prefix = qualified.substring(0, slash);
        model = qualified.substring(slash + 1);
        provider =
            ProviderKind.byPrefix(prefix)
                .orElseThrow(
                    () ->
                        modelNode.error(
                            "provider '"
                                + prefix
                                + "' is not supported; Airbag speaks openai/, anthropic/ and gemini/"
                                + " (an OpenAI-compatible host works as openai/<model> with api_base)"));
      } else {
        model = qualified;
        provider =
            ProviderKind.inferFromModel(qualified)
                .orElseThrow(
                    () ->
                        modelNode.error(
                            "cannot tell the provider of '"
                                + qualified
                                + "'; write it as provider/model,"
                                + " e.g. openai/"
                                + qualified));
      }
      if (model.isBlank()) {
        throw modelNode.error("names no model after the provider prefix");
      }

      Optional<Secret> apiKey = params.get("api_key").map(YamlTree::secret);
      String apiBase =
          params
              .get("api_base")
              .map(
                  node -> {
                    String base = node.string();
                    if (!base.startsWith("http://") && !base.startsWith("https://")) {
                      throw node.error("expected an http:// or https:// URL");
                    }
                    String problem = urlProblem(base);
                    if (problem != null) {
                      throw node.error("expected an http:// or https:// URL: " + problem);
                    }
                    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
                  })
              .orElse(provider.defaultApiBase());
      Duration timeout =
          params
              .get("timeout")
              .map(YamlTree::duration)
              .or(router::timeout)
              .orElse(airbag.callTimeout());

      String id =
          entry
              .get("model_info")
              .flatMap(info -> info.get("id"))
              .map(YamlTree::string)
              .orElse(perGroup.get(group) == 1 || ordinal == 1 ? group : group + "-" + ordinal);
      if (!ids.add(id)) {
        throw nameNode.error("deployment id '" + id + "' is used twice; give one a model_info.id");
      }
      BreakerSettings breaker =
          entry
              .get("airbag")
              .map(
                  section -> {
                    for (Map.Entry<String, YamlTree> e : section.entries().entrySet()) {
                      if (!e.getKey().equals("breaker")) {
                        throw e.getValue()
                            .error("unknown setting; a deployment's airbag section takes: breaker");
                      }
                    }
                    return breakerSettings(section.get("breaker"), airbag.breaker());
                  })
              .orElse(airbag.breaker());
      out.add(new Deployment(id, group, provider, model, apiKey, apiBase, timeout, breaker));
    }
    if (!ignoredParams.isEmpty()) {
      warnings.add(
          "litellm_params Airbag does not act on were ignored: "
              + String.join(", ", ignoredParams));
    }
    return out;
  }

  private RouterSettings routerSettings(Optional<YamlTree> section, List<String> warnings) {
    if (section.isEmpty()) {
      return new RouterSettings(
          Map.of(),
          Map.of(),
          List.of(),
          RouterSettings.DEFAULT_ALLOWED_FAILS,
          RouterSettings.DEFAULT_COOLDOWN_TIME,
          RouterSettings.DEFAULT_NUM_RETRIES,
          Optional.empty());
    }
    YamlTree s = section.get();
    List<String> ignored =
        s.entries().keySet().stream().filter(k -> !ROUTER_KEYS_USED.contains(k)).toList();
    if (!ignored.isEmpty()) {
      warnings.add(
          "router_settings Airbag does not act on were ignored: " + String.join(", ", ignored));
    }
    return new RouterSettings(
        fallbackMap(s.get("fallbacks")),
        fallbackMap(s.get("context_window_fallbacks")),
        s.get("default_fallbacks").map(YamlTree::stringList).orElse(List.of()),
        s.get("allowed_fails")
            .map(n -> n.integer(0, 1_000_000))
            .orElse(RouterSettings.DEFAULT_ALLOWED_FAILS),
        s.get("cooldown_time").map(YamlTree::duration).orElse(RouterSettings.DEFAULT_COOLDOWN_TIME),
        s.get("num_retries").map(n -> n.integer(0, 10)).orElse(RouterSettings.DEFAULT_NUM_RETRIES),
        s.get("timeout").map(YamlTree::duration));
  }

  /**
   * LiteLLM writes fallbacks as a list of one-key maps: {@code - group: [next, after]}. A plain map
   * is accepted too.
   */
  private static Map<String, List<String>> fallbackMap(Optional<YamlTree> node) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (node.isEmpty()) {
      return out;
    }
    List<YamlTree> maps = node.get().isMapping() ? List.of(node.get()) : node.get().items();
    for (YamlTree item : maps) {
      for (Map.Entry<String, YamlTree> e : item.entries().entrySet()) {
        if (out.put(e.getKey(), List.copyOf(e.getValue().stringList())) != null) {
          throw e.getValue().error("fallbacks for '" + e.getKey() + "' are given twice");
        }
      }
    }
    return out;
  }

  private static void validateGroupReferences(YamlTree root, Set<String> groups) {
    root.get("router_settings")
        .ifPresent(
            s -> {
              for (String key : List.of("fallbacks", "context_window_fallbacks")) {
                s.get(key)
                    .ifPresent(
                        node -> {
                          List<YamlTree> maps = node.isMapping() ? List.of(node) : node.items();
                          for (YamlTree item : maps) {
                            for (Map.Entry<String, YamlTree> e : item.entries().entrySet()) {
                              requireGroup(e.getValue(), e.getKey(), groups);
                              for (String target : e.getValue().stringList()) {
                                requireGroup(e.getValue(), target, groups);
                              }
                            }
                          }
                        });
              }
              s.get("default_fallbacks")
                  .ifPresent(node -> node.stringList().forEach(g -> requireGroup(node, g, groups)));
            });
    root.get("airbag")
        .flatMap(a -> a.get("judge"))
        .flatMap(j -> j.get("by"))
        .ifPresent(node -> node.stringList().forEach(g -> requireGroup(node, g, groups)));
  }

  private static void requireGroup(YamlTree node, String group, Set<String> groups) {
    if (!groups.contains(group)) {
      throw node.error(
          "'"
              + group
              + "' is not a model_name in model_list (known: "
              + String.join(", ", groups)
              + ")");
    }
  }

  /** What makes {@code url} unusable as an {@code api_base}, or null when nothing does. */
  private static String urlProblem(String url) {
    java.net.URI uri;
    try {
      uri = new java.net.URI(url);
    } catch (java.net.URISyntaxException e) {
      return e.getReason() + " at index " + e.getIndex();
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      return "no host (or a port outside 1-65535)";
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return "port " + uri.getPort() + " is outside 1-65535";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "a base URL takes no query or fragment";
    }
    return null;
  }

  private AirbagSettings airbagSettings(Optional<YamlTree> section) {
    if (section.isEmpty()) {
      return new AirbagSettings(
          AirbagSettings.DEFAULT_HTTP_PORT,
          Optional.empty(),
          BreakerSettings.DEFAULTS,
          JudgeSettings.OFF,
          CannedSettings.DEFAULTS,
          DrillSettings.NONE,
          AirbagSettings.DEFAULT_CALL_TIMEOUT,
          AirbagSettings.DEFAULT_REQUEST_TIMEOUT,
          AirbagSettings.DEFAULT_MAX_REQUEST_BYTES,
          EnumSet.allOf(AnswerCheck.class),
          TracingSettings.OFF,
          AirbagSettings.DEFAULT_STALLED_CLIENT_TIMEOUT);
    }
    YamlTree s = section.get();
    rejectUnknown(s, AIRBAG_KEYS);
    JudgeSettings judge =
        s.get("judge")
            .map(
                j -> {
                  rejectUnknown(j, Set.of("by", "sample_rate", "max_per_minute", "queue_size"));
                  return new JudgeSettings(
                      j.get("by").map(YamlTree::stringList).orElse(List.of()),
                      j.get("sample_rate")
                          .map(n -> n.number(0, 1))
                          .orElse(JudgeSettings.DEFAULT_SAMPLE_RATE),
                      j.get("max_per_minute")
                          .map(n -> n.integer(0, 1_000_000))
                          .orElse(JudgeSettings.DEFAULT_MAX_PER_MINUTE),
                      j.get("queue_size")
                          .map(n -> n.integer(1, 1_000_000))
                          .orElse(JudgeSettings.DEFAULT_QUEUE_SIZE));
                })
            .orElse(JudgeSettings.OFF);
    CannedSettings canned =
        s.get("canned")
            .map(
                c -> {
                  rejectUnknown(c, Set.of("mode", "message"));
                  CannedSettings.Mode mode =
                      c.get("mode")
                          .map(
                              m ->
                                  switch (m.string()) {
                                    case "response" -> CannedSettings.Mode.RESPONSE;
                                    case "error" -> CannedSettings.Mode.ERROR;
                                    default ->
                                        throw m.error(
                                            "expected response or error, got \""
                                                + m.string()
                                                + "\"");
                                  })
                          .orElse(CannedSettings.Mode.RESPONSE);
                  String message =
                      c.get("message").map(YamlTree::string).orElse(CannedSettings.DEFAULT_MESSAGE);
                  if (message.isBlank()) {
                    throw c.require("message").error("must not be empty");
                  }
                  return new CannedSettings(mode, message);
                })
            .orElse(CannedSettings.DEFAULTS);
    DrillSettings drills =
        s.get("drills")
            .map(
                d -> {
                  rejectUnknown(
                      d, Set.of("schedule", "kind", "target", "duration", "rate", "slo_p95_ms"));
                  Optional<CronSchedule> schedule =
                      d.get("schedule")
                          .map(
                              c -> {
                                try {
                                  return CronSchedule.parse(c.string());
                                } catch (IllegalArgumentException e) {
                                  throw c.error(
                                      "expected a cron schedule such as \"0 10 * * TUE#1\" (minute hour day month weekday, UTC): "
                                          + e.getMessage());
                                }
                              });
                  String kind =
                      d.get("kind")
                          .map(
                              k -> {
                                if (!k.string().equals("failover")
                                    && !k.string().equals("quality")) {
                                  throw k.error(
                                      "expected failover or quality, got \"" + k.string() + "\"");
                                }
                                return k.string();
                              })
                          .orElse("failover");
                  return new DrillSettings(
                      schedule,
                      kind,
                      d.get("target").map(YamlTree::string),
                      d.get("duration")
                          .map(YamlTree::duration)
                          .orElse(DrillSettings.DEFAULT_DURATION),
                      d.get("rate")
                          .map(r -> r.number(0.1, DrillSettings.MAX_RATE))
                          .orElse(DrillSettings.DEFAULT_RATE),
                      d.get("slo_p95_ms")
                          .map(n -> OptionalLong.of(n.integer(1, Integer.MAX_VALUE)))
                          .orElse(OptionalLong.empty()));
                })
            .orElse(DrillSettings.NONE);
    return new AirbagSettings(
        s.get("http_port").map(n -> n.integer(0, 65535)).orElse(AirbagSettings.DEFAULT_HTTP_PORT),
        s.get("admin_key").map(YamlTree::secret),
        breakerSettings(s.get("breaker"), BreakerSettings.DEFAULTS),
        judge,
        canned,
        drills,
        s.get("call_timeout").map(YamlTree::duration).orElse(AirbagSettings.DEFAULT_CALL_TIMEOUT),
        s.get("request_timeout")
            .map(YamlTree::duration)
            .orElse(AirbagSettings.DEFAULT_REQUEST_TIMEOUT),
        s.get("max_request_bytes")
            .map(n -> n.integer(1024, Integer.MAX_VALUE))
            .orElse(AirbagSettings.DEFAULT_MAX_REQUEST_BYTES),
        checks(s.get("checks")),
        s.get("tracing")
            .map(
                t -> {
                  rejectUnknown(t, Set.of("otlp_endpoint", "sample_rate", "service_name"));
                  Optional<String> endpoint = t.get("otlp_endpoint").map(YamlTree::string);
                  endpoint.ifPresent(
                      e -> {
                        if (!e.startsWith("http://") && !e.startsWith("https://")) {
                          throw t.require("otlp_endpoint")
                              .error("expected an http:// or https:// URL, got \"" + e + "\"");
                        }
                      });
                  return new TracingSettings(
                      endpoint,
                      t.get("sample_rate").map(n -> n.number(0, 1)).orElse(1.0),
                      t.get("service_name").map(YamlTree::string).orElse("airbag"));
                })
            .orElse(TracingSettings.OFF),
        s.get("stalled_client_timeout")
            .map(YamlTree::duration)
            .orElse(AirbagSettings.DEFAULT_STALLED_CLIENT_TIMEOUT));
  }

  /**
   * {@code airbag.checks: {empty: true, truncated: true, repetition: true, language: true}}; each
   * on unless set false.
   */
  private static Set<AnswerCheck> checks(Optional<YamlTree> section) {
    Set<AnswerCheck> on = EnumSet.allOf(AnswerCheck.class);
    section.ifPresent(
        c -> {
          rejectUnknown(
              c,
              java.util.Arrays.stream(AnswerCheck.values())
                  .map(AnswerCheck::label)
                  .collect(java.util.stream.Collectors.toSet()));
          for (AnswerCheck check : AnswerCheck.values()) {
            if (!c.get(check.label()).map(YamlTree::bool).orElse(true)) {
              on.remove(check);
            }
          }
        });
    return Set.copyOf(on);
  }

  private static BreakerSettings breakerSettings(Optional<YamlTree> section, BreakerSettings base) {
    if (section.isEmpty()) {
      return base;
    }
    YamlTree b = section.get();
    rejectUnknown(b, BREAKER_KEYS);
    return new BreakerSettings(
        b.get("error_rate_threshold").map(n -> n.number(0, 1)).orElse(base.errorRateThreshold()),
        b.get("min_calls").map(n -> n.integer(1, 1_000_000)).orElse(base.minCalls()),
        b.get("window").map(YamlTree::duration).orElse(base.window()),
        b.get("slow_call_threshold").map(YamlTree::duration).orElse(base.slowCallThreshold()),
        b.get("slow_call_rate_threshold")
            .map(n -> n.number(0, 1))
            .orElse(base.slowCallRateThreshold()),
        b.get("judge_threshold").map(n -> n.number(0, 1)).orElse(base.judgeThreshold()),
        b.get("min_judged").map(n -> n.integer(1, 1_000_000)).orElse(base.minJudged()),
        b.get("judge_window").map(YamlTree::duration).orElse(base.judgeWindow()),
        b.get("cooldown").map(YamlTree::duration).orElse(base.cooldown()));
  }

  private static void rejectUnknown(YamlTree section, Set<String> known) {
    for (Map.Entry<String, YamlTree> e : section.entries().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw e.getValue()
            .error(
                "unknown setting; "
                    + section.path()
                    + " takes: "
                    + String.join(", ", new java.util.TreeSet<>(known)));
      }
    }
  }
}
