package dev.airbag.node.breaker;

import dev.airbag.core.breaker.BreakerSnapshot;
import dev.airbag.core.breaker.BreakerState;
import dev.airbag.core.breaker.TripReason;
import dev.airbag.core.breaker.WindowCounts;
import dev.airbag.core.config.Deployment;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * Breaker snapshots as JSON: as {@code /admin/breakers} shows them, and as decisions and window
 * deltas travel between nodes. No key, prompt or answer is ever in them.
 */
final class BreakerJson {

  private BreakerJson() {}

  /** The shared part of a snapshot: what another node needs to adopt it. */
  static JsonObject decision(BreakerSnapshot s) {
    return new JsonObject()
        .put("deployment", s.deployment())
        .put("state", s.state().name())
        .put("reason", s.reason().map(Enum::name).orElse(null))
        .put("detail", s.detail().orElse(null))
        .put("epoch", s.epoch())
        .put("decided_by", s.decidedBy())
        .put("open_until", s.openUntilMillis())
        .put("ramp_fraction", s.rampFraction())
        .put("reopenings", s.reopenings());
  }

  static BreakerSnapshot fromDecision(JsonObject j) {
    return new BreakerSnapshot(
        j.getString("deployment"),
        BreakerState.valueOf(j.getString("state")),
        Optional.ofNullable(j.getString("reason")).map(TripReason::valueOf),
        Optional.ofNullable(j.getString("detail")),
        j.getLong("epoch"),
        j.getString("decided_by"),
        j.getLong("open_until"),
        j.getDouble("ramp_fraction"),
        j.getInteger("reopenings"),
        WindowCounts.EMPTY,
        WindowCounts.EMPTY);
  }

  static JsonObject delta(String node, long atMillis, WindowCounts c) {
    return new JsonObject()
        .put("node", node)
        .put("at", atMillis)
        .put("calls", c.calls())
        .put("failures", c.failures())
        .put("slow", c.slow())
        .put("judged", c.judged())
        .put("judge_sum", c.judgeSum());
  }

  static WindowCounts counts(JsonObject j) {
    return new WindowCounts(
        j.getLong("calls"),
        j.getLong("failures"),
        j.getLong("slow"),
        j.getLong("judged"),
        j.getDouble("judge_sum"));
  }

  static JsonObject window(WindowCounts w) {
    return new JsonObject()
        .put("calls", w.calls())
        .put("failures", w.failures())
        .put("error_rate", w.errorRate())
        .put("slow", w.slow())
        .put("slow_rate", w.slowRate());
  }

  static JsonObject of(Deployment deployment, BreakerSnapshot s, JsonObject nodeWindows) {
    WindowCounts w = s.window();
    WindowCounts j = s.judgeWindow();
    return new JsonObject()
        .put("deployment", s.deployment())
        .put("model_group", deployment.modelGroup())
        .put("provider", deployment.provider().prefix())
        .put("model", deployment.model())
        .put("state", s.state().name())
        .put("reason", s.reason().map(TripReason::label).orElse(null))
        .put("reason_detail", s.detail().orElse(null))
        .put("epoch", s.epoch())
        .put(
            "open_until",
            s.openUntilMillis() == 0 ? null : Instant.ofEpochMilli(s.openUntilMillis()).toString())
        .put("ramp_fraction", s.rampFraction())
        .put("reopenings", s.reopenings())
        .put("decided_by", s.decidedBy())
        .put("window", window(w))
        .put("nodes", nodeWindows)
        .put(
            "judge",
            new JsonObject()
                .put("judged", j.judged())
                .put("mean", j.judged() == 0 ? null : j.judgeMean()));
  }
}
