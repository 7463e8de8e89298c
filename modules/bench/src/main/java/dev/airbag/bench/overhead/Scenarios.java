package dev.airbag.bench.overhead;

import dev.airbag.bench.OpenLoop;
import dev.airbag.simulator.Fault;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The scenarios the harness runs, the node configuration each starts with, and the request body and
 * paths that load it.
 */
final class Scenarios {

  private Scenarios() {}

  static List<Scenario> all(int refusedPort) {
    Setup none = (sims, nodes) -> {};
    Function<Sims, String> primary = s -> s.primary().baseUrl() + "/v1";
    return List.of(
        // Against a bare Vert.x proxy measured alternately: what any Vert.x gateway adds on this
        // machine.
        new Scenario(
            "healthy",
            "healthy primary",
            1,
            1,
            false,
            "10",
            false,
            0,
            primary,
            Sims::primary,
            none,
            TwinKind.BARE),
        // A quarter of the rate: a streamed answer is ~37 SSE events, and at the full rate the
        // generator and the simulator alone saturate two cores.
        new Scenario(
            "stream",
            "healthy primary, streamed",
            1,
            4,
            true,
            "10",
            false,
            0,
            primary,
            Sims::primary,
            none),
        new Scenario(
            "refused",
            "primary refusing connections, breaker not yet open",
            1,
            1,
            false,
            "10",
            true,
            0,
            s -> "http://127.0.0.1:" + refusedPort + "/v1",
            Sims::secondary,
            none),
        new Scenario(
            "open",
            "primary OPEN, skipped",
            1,
            1,
            false,
            "10",
            false,
            0,
            primary,
            Sims::secondary,
            (sims, nodes) -> nodes.get(0).admin("/admin/breakers/bench/open?for=1h")),
        new Scenario(
            "hanging",
            "primary hanging, 50 ms per-call timeout, breaker not yet open",
            1,
            1,
            false,
            "0.05",
            true,
            0,
            primary,
            Sims::secondary,
            (sims, nodes) -> sims.primary().fault(Fault.of(Fault.Mode.HANG))),
        // Against a healthy twin node measured alternately: a 10% rise is finer than this host's
        // noise between runs.
        new Scenario(
            "judge",
            "healthy primary, judge sampling 5%",
            1,
            1,
            false,
            "10",
            false,
            0.05,
            primary,
            Sims::primary,
            none,
            TwinKind.HEALTHY),
        // Three node JVMs beside the generator on two cores: at the full rate the machine, not
        // Airbag, is measured.
        new Scenario(
            "cluster",
            "3-node cluster, load spread over all nodes",
            3,
            4,
            false,
            "10",
            false,
            0,
            primary,
            Sims::primary,
            none));
  }

  /** Writes {@code s}'s node configuration as {@code <name>.yaml} in {@code work}. */
  static Path config(Path work, String name, Scenario s, Sims sims) throws Exception {
    return Files.writeString(work.resolve(name + ".yaml"), config(s, sims));
  }

  static String config(Scenario s, Sims sims) {
    StringBuilder y =
        new StringBuilder("model_list:\n")
            .append(
                "  - model_name: bench\n    litellm_params: {model: openai/bench, api_key: k, api_base: \"")
            .append(s.primaryBase().apply(sims))
            .append("\", timeout: ")
            .append(s.timeout())
            .append("}\n")
            .append(
                "  - model_name: bench-secondary\n    litellm_params: {model: openai/bench, api_key: k, api_base: \"")
            .append(sims.secondary().baseUrl())
            .append("/v1\"}\n")
            .append(
                "  - model_name: bench-judge\n    litellm_params: {model: anthropic/claude-sonnet-4-5, api_key: k, api_base: \"")
            .append(sims.judge().baseUrl())
            .append("\"}\n")
            // Every judge needs a judge of another provider in turn, or the config is refused.
            .append(
                "  - model_name: bench-judge-2\n    litellm_params: {model: gemini/gemini-2.5-pro, api_key: k, api_base: \"")
            .append(sims.judge().baseUrl())
            .append("\"}\n")
            .append(
                "router_settings:\n  fallbacks: [{bench: [bench-secondary]}]\n  num_retries: 0\n");
    if (s.breakerHeldClosed()) {
      // The scenario measures every request's failover, so the breaker must never skip the primary.
      y.append("  allowed_fails: 1000000\n");
    }
    y.append("airbag:\n");
    if (s.breakerHeldClosed()) {
      y.append("  breaker: {min_calls: 1000000}\n");
    }
    if (s.judgeRate() > 0) {
      y.append("  judge: {by: [bench-judge, bench-judge-2], sample_rate: ")
          .append(s.judgeRate())
          .append(", max_per_minute: 1000000}\n");
    }
    return y.toString();
  }

  static Buffer body(boolean stream) {
    return Buffer.buffer(
        "{\"model\":\"bench\",\"stream\":"
            + stream
            + ",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"The harbour froze in January and the ferries stopped for two weeks.\"}]}");
  }

  static List<OpenLoop.Target> paths(Scenario s, Sims sims, List<Integer> nodePorts) {
    return List.of(
        new OpenLoop.Target("direct", s.direct().apply(sims).port(), Overhead.PATH),
        new OpenLoop.Target("airbag", nodePorts, Overhead.PATH));
  }
}
