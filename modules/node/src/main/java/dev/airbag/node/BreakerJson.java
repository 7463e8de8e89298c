package dev.airbag.node;

import dev.airbag.core.breaker.BreakerSnapshot;
import dev.airbag.core.breaker.TripReason;
import dev.airbag.core.breaker.WindowCounts;
import dev.airbag.core.config.Deployment;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A breaker snapshot as {@code /admin/breakers} shows it. No key, prompt or answer is in it. */
final class BreakerJson {

  private BreakerJson() {}

  static JsonObject of(Deployment deployment, BreakerSnapshot s) {
    WindowCounts w = s.window();
    WindowCounts j = s.judgeWindow();
    return new JsonObject()
        .put("deployment", s.deployment())
        .put("model_group", deployment.modelGroup())
        .put("provider", deployment.provider().prefix())
        .put("model", deployment.model())
        .put("state", s.state().name())
        .put("reason", s.reason().map(TripReason::label).orElse(null))
        .put("epoch", s.epoch())
        .put("open_until", s.openUntilMillis() == 0 ? null : Instant.ofEpochMilli(s.openUntilMillis()).toString())
        .put("ramp_fraction", s.rampFraction())
        .put("reopenings", s.reopenings())
        .put("window", new JsonObject().put("calls", w.calls()).put("failures", w.failures())
            .put("error_rate", w.errorRate()).put("slow", w.slow()).put("slow_rate", w.slowRate()))
        .put("judge", new JsonObject().put("judged", j.judged())
            .put("mean", j.judged() == 0 ? null : j.judgeMean()));
  }
}
