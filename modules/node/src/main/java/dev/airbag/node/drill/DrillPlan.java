package dev.airbag.node.drill;

import dev.airbag.core.config.Deployment;
import dev.airbag.core.config.DrillSettings;
import dev.airbag.core.config.Durations;
import dev.airbag.core.config.GatewayConfig;
import dev.airbag.core.routing.TierPlan;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * What an operator asked a drill to do, as {@code POST /admin/drills} takes it: which deployment to
 * break and how, for how long, with how much synthetic traffic, and the latency it must stay
 * within.
 *
 * @param rate synthetic requests per second, sent through the node that runs the drill; 0 for live
 *     traffic only
 * @param sloP95Millis the p95 the drill's requests must stay within; the target's per-call timeout
 *     by default
 * @param recoveryLimit how long after the window the target has to come back through its probe and
 *     ramp
 */
public record DrillPlan(
    DrillKind kind,
    Deployment target,
    Duration duration,
    double rate,
    long sloP95Millis,
    Duration recoveryLimit) {

  static final Duration MAX_DURATION = Duration.ofHours(1);

  /** The probe, then three ramp steps of at least ten seconds each, with room to spare. */
  static final Duration DEFAULT_RECOVERY_LIMIT = Duration.ofMinutes(3);

  /** A field of the request that is missing or wrong, named, with what would be right. */
  public static final class Invalid extends RuntimeException {
    public final String param;

    public Invalid(String param, String message) {
      super(message);
      this.param = param;
    }
  }

  /** Reads a drill request; throws {@link Invalid} naming the field at fault. */
  public static DrillPlan parse(JsonObject body, GatewayConfig config) {
    String kindText = text(body, "kind").orElse("failover");
    DrillKind kind;
    try {
      kind = DrillKind.valueOf(kindText.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new Invalid("kind", "'kind' must be failover or quality, not '" + kindText + "'.");
    }
    String targetId =
        text(body, "target")
            .orElseThrow(
                () ->
                    new Invalid(
                        "target",
                        "'target' must name the deployment to break. Deployments: "
                            + deploymentIds(config)));
    Deployment target =
        config
            .deployment(targetId)
            .orElseThrow(
                () ->
                    new Invalid(
                        "target",
                        "No deployment '" + targetId + "'. Deployments: " + deploymentIds(config)));
    Duration duration = duration(body, "duration", DrillSettings.DEFAULT_DURATION);
    if (duration.isZero() || duration.compareTo(MAX_DURATION) > 0) {
      throw new Invalid("duration", "'duration' must be more than 0 and at most 1h.");
    }
    double rate = rate(body.getValue("rate"));
    if (rate == 0 && kind == DrillKind.QUALITY) {
      throw new Invalid(
          "rate", "A quality drill degrades only its own requests, so it needs a rate above 0.");
    }
    long slo =
        body.getValue("slo_p95_ms") == null
            ? target.timeout().toMillis()
            : number(body, "slo_p95_ms");
    return new DrillPlan(
        kind,
        target,
        duration,
        rate,
        slo,
        duration(body, "recovery_limit", DEFAULT_RECOVERY_LIMIT));
  }

  /**
   * The drill {@code airbag.drills} schedules: its target as configured, else the first deployment
   * whose model group has a tier to fail over to. Empty when there is no such deployment.
   */
  static Optional<DrillPlan> scheduled(
      DrillSettings settings, GatewayConfig config, TierPlan tiers) {
    Optional<Deployment> target =
        settings
            .target()
            .flatMap(config::deployment)
            .or(
                () ->
                    config.deployments().stream()
                        .filter(
                            d ->
                                tiers
                                    .chainFor(d.modelGroup())
                                    .map(chain -> chain.size() > 1)
                                    .orElse(false))
                        .findFirst());
    return target.map(
        t ->
            new DrillPlan(
                DrillKind.valueOf(settings.kind().toUpperCase(Locale.ROOT)),
                t,
                settings.duration(),
                settings.rate(),
                settings.sloP95Millis().orElse(t.timeout().toMillis()),
                DEFAULT_RECOVERY_LIMIT));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("kind", kind.label())
        .put("target", target.id())
        .put("duration_ms", duration.toMillis())
        .put("rate", rate)
        .put("traffic", live() ? "live" : "synthetic")
        .put("slo_p95_ms", sloP95Millis)
        .put("recovery_limit_ms", recoveryLimit.toMillis());
  }

  private static Optional<String> text(JsonObject body, String field) {
    Object v = body.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw new Invalid(field, "'" + field + "' must be a string.");
    }
    return Optional.ofNullable((String) v).filter(s -> !s.isBlank());
  }

  private static Duration duration(JsonObject body, String field, Duration otherwise) {
    Object v = body.getValue(field);
    if (v == null) {
      return otherwise;
    }
    return Durations.parse(String.valueOf(v))
        .orElseThrow(
            () -> new Invalid(field, "'" + field + "' must be a duration such as 90s, 5m or 1h."));
  }

  /**
   * With no synthetic traffic, the drill judges Airbag by the live traffic to the target's model
   * group.
   */
  boolean live() {
    return rate == 0;
  }

  /**
   * A rate as {@code 20}, {@code "20"} or {@code "20/s"}; 0 or {@code "live"} for live traffic
   * only.
   */
  private static double rate(Object v) {
    if (v == null) {
      return DrillSettings.DEFAULT_RATE;
    }
    String text = String.valueOf(v).trim();
    if (text.equals("live")) {
      return 0;
    }
    if (text.endsWith("/s")) {
      text = text.substring(0, text.length() - 2).trim();
    }
    double rate;
    try {
      rate = Double.parseDouble(text);
    } catch (NumberFormatException e) {
      throw new Invalid("rate", "'rate' must be requests per second, such as 20 or \"20/s\".");
    }
    if (!(rate >= 0 && rate <= DrillSettings.MAX_RATE)) {
      throw new Invalid(
          "rate",
          "'rate' must be at least 0 (live traffic only) and at most "
              + (int) DrillSettings.MAX_RATE
              + " requests per second.");
    }
    return rate;
  }

  private static long number(JsonObject body, String field) {
    if (!(body.getValue(field) instanceof Number n) || n.longValue() <= 0) {
      throw new Invalid(field, "'" + field + "' must be a positive number of milliseconds.");
    }
    return n.longValue();
  }

  private static String deploymentIds(GatewayConfig config) {
    return String.join(", ", config.deployments().stream().map(Deployment::id).toList());
  }
}
