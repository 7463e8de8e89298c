package dev.airbag.node.drill;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A drill's report as JSON (what {@code GET /admin/drills/{id}} returns and the cluster keeps) and
 * as Markdown (what {@code airbag drill} prints): each check passed or failed, with the figure that
 * decided it.
 */
public final class DrillReport {

  private DrillReport() {}

  /**
   * What the drill's node saw of the target's breaker: when it first read OPEN (and how), passed
   * its probe, closed.
   */
  record Recovery(long openedAt, BreakerAtOpen opened, long probePassedAt, long closedAt) {}

  /**
   * The target's breaker as the drill's node first read it OPEN: why, and the judge's figures.
   *
   * @param judgeMean null when nothing was judged
   */
  record BreakerAtOpen(String reason, String detail, Double judgeMean, long judged) {

    /** From the breaker's snapshot, as {@code /admin/breakers} shows it. */
    static BreakerAtOpen of(JsonObject breaker) {
      JsonObject judge = breaker.getJsonObject("judge");
      return new BreakerAtOpen(
          breaker.getString("reason"),
          breaker.getString("reason_detail"),
          judge.getDouble("mean"),
          judge.getLong("judged"));
    }
  }

  /**
   * Adds the checks and the verdict to a finished drill's report: {@code traffic} is every node's
   * figures merged, {@code unanswered} the drill's requests that got no answer at all.
   */
  static JsonObject verdict(
      JsonObject report,
      DrillPlan plan,
      DrillOverride override,
      TrafficFigures traffic,
      long unanswered,
      Sightings sightings,
      List<String> members,
      Recovery recovery) {
    JsonArray checks = new JsonArray();
    if (plan.kind() == DrillKind.FAILOVER) {
      checks.add(firstFailureFast(plan, sightings));
      checks.add(nextTierWithinOneRetry(traffic));
    } else {
      checks.add(judgeSawIt(plan, recovery));
    }
    checks.add(p95WithinSlo(plan, traffic));
    checks.add(openedEverywhere(sightings, members));
    checks.add(cameBack(plan, override, recovery));
    long requests = traffic.requests() + unanswered;
    long errors = traffic.userVisibleErrors() + unanswered;
    checks.add(
        check(
            "no_user_visible_error",
            "No user-visible error",
            requests > 0 && errors == 0,
            errors + " of " + requests + " requests failed or got the canned answer"));
    boolean passed = checks.stream().allMatch(c -> ((JsonObject) c).getBoolean("passed"));
    return report.put("status", passed ? "passed" : "failed").put("checks", checks);
  }

  private static JsonObject firstFailureFast(DrillPlan plan, Sightings sightings) {
    long timeout = plan.target().timeout().toMillis();
    if (sightings.firstFailure().isEmpty()) {
      return check(
          "first_failure_fast",
          "The first failure was fast",
          false,
          "no call to " + plan.target().id() + " failed during the window");
    }
    Sightings.FirstFailure first = sightings.firstFailure().get();
    long latency = first.latencyMillis();
    return check(
        "first_failure_fast",
        "The first failure was fast",
        latency < timeout,
        first.outcome()
            + " after "
            + latency
            + " ms on node "
            + first.node()
            + " (per-call timeout "
            + timeout
            + " ms)");
  }

  private static JsonObject nextTierWithinOneRetry(TrafficFigures t) {
    long window = t.windowRequests();
    long elsewhere = t.windowElsewhere();
    long pickedUp = t.windowElsewhereAnswered();
    long byTarget = t.windowByTarget();
    int maxAttempts = t.windowElsewhereMaxAttempts();
    Map<String, Long> by = new java.util.TreeMap<>(t.windowAnsweredBy());
    boolean passed = pickedUp > 0 && pickedUp == elsewhere && maxAttempts <= 2;
    String figure =
        pickedUp == 0
            ? "no other tier answered any of the " + window + " requests sent during the window"
            : pickedUp
                + " of "
                + window
                + " window requests answered by "
                + String.join(
                    ", ",
                    by.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList())
                + ", at most "
                + maxAttempts
                + " attempts each"
                + (elsewhere > pickedUp
                    ? "; " + (elsewhere - pickedUp) + " not answered by any tier"
                    : "")
                + (byTarget > 0
                    ? "; " + byTarget + " answered by the target before the drill reached it"
                    : "");
    return check(
        "next_tier_within_one_retry", "The next tier picked up within one retry", passed, figure);
  }

  private static JsonObject judgeSawIt(DrillPlan plan, Recovery recovery) {
    if (recovery.opened() == null) {
      return check(
          "judge_saw_it",
          "The judge saw it",
          false,
          plan.target().id() + "'s breaker never opened during the window");
    }
    BreakerAtOpen b = recovery.opened();
    String how = "OPEN (" + b.reason() + (b.detail() == null ? "" : ": " + b.detail()) + ")";
    boolean byJudge = "quality".equals(b.reason()) && "judge".equals(b.detail());
    return check(
        "judge_saw_it",
        "The judge saw it",
        byJudge,
        how
            + " with a judge mean of "
            + (b.judgeMean() == null ? "n/a" : String.format(Locale.ROOT, "%.2f", b.judgeMean()))
            + " over "
            + b.judged()
            + " judged answers (trips below "
            + plan.target().breaker().judgeThreshold()
            + ")");
  }

  private static JsonObject p95WithinSlo(DrillPlan plan, TrafficFigures traffic) {
    Double p95 = traffic.latencyMillis(95);
    if (p95 == null) {
      return check("p95_within_slo", "p95 within the SLO", false, "no request completed");
    }
    return check(
        "p95_within_slo",
        "p95 within the SLO",
        p95 <= plan.sloP95Millis(),
        String.format(
            Locale.ROOT,
            "p95 %.1f ms (p50 %.1f, p99 %.1f, max %.1f) against %d ms",
            p95,
            traffic.latencyMillis(50),
            traffic.latencyMillis(99),
            traffic.maxMillis(),
            plan.sloP95Millis()));
  }

  private static JsonObject openedEverywhere(Sightings sightings, List<String> members) {
    TreeSet<String> opened = new TreeSet<>(sightings.openedAt().keySet());
    List<String> missing = members.stream().filter(m -> !opened.contains(m)).toList();
    java.util.LongSummaryStatistics at =
        sightings.openedAt().values().stream().mapToLong(Long::longValue).summaryStatistics();
    String figure =
        (members.size() - missing.size())
            + " of "
            + members.size()
            + " nodes saw it OPEN"
            + (opened.isEmpty()
                ? ""
                : ", all within " + (at.getMax() - at.getMin()) + " ms of the first")
            + (missing.isEmpty() ? "" : "; not: " + String.join(", ", missing));
    return check(
        "breaker_opened_everywhere",
        "The breaker opened on every node",
        !members.isEmpty() && missing.isEmpty(),
        figure);
  }

  private static JsonObject cameBack(DrillPlan plan, DrillOverride override, Recovery recovery) {
    String name = "target_came_back";
    String title = "The target came back through a probe and the ramp";
    if (recovery.openedAt() < 0) {
      return check(
          name, title, false, "its breaker never opened, so there was nothing to come back from");
    }
    if (recovery.closedAt() < 0) {
      return check(
          name,
          title,
          false,
          (recovery.probePassedAt() < 0
                  ? "no probe passed"
                  : "the probe passed but the ramp did not finish")
              + " within "
              + plan.recoveryLimit().toSeconds()
              + " s of the window's end");
    }
    return check(
        name,
        title,
        recovery.probePassedAt() >= 0,
        String.format(
            Locale.ROOT,
            "probe passed %.1f s after the window, CLOSED after %.1f s",
            (recovery.probePassedAt() - override.untilMillis()) / 1000.0,
            (recovery.closedAt() - override.untilMillis()) / 1000.0));
  }

  private static JsonObject check(String name, String title, boolean passed, String figure) {
    return new JsonObject()
        .put("name", name)
        .put("title", title)
        .put("passed", passed)
        .put("figure", figure);
  }

  /** A report, finished or not, as Markdown for a terminal or an issue. */
  public static String markdown(JsonObject r) {
    StringBuilder md = new StringBuilder();
    JsonObject plan = r.getJsonObject("plan");
    md.append("## ")
        .append(capitalised(r.getString("kind")))
        .append(" drill ")
        .append(r.getString("id"))
        .append(": ")
        .append(r.getString("status").toUpperCase(Locale.ROOT))
        .append("\n\n");
    md.append("Target `")
        .append(r.getString("target"))
        .append("` (model group `")
        .append(r.getString("model_group"))
        .append("`), ")
        .append("failover".equals(r.getString("kind")) ? "broken key" : "degraded answers")
        .append(" on every node for ")
        .append(plan.getLong("duration_ms") / 1000)
        .append(" s from ")
        .append(Instant.ofEpochMilli(r.getLong("started_at")))
        .append(", run by node `")
        .append(r.getString("node"))
        .append("` at ")
        .append(plan.getValue("rate"))
        .append(" requests/s")
        .append("schedule".equals(r.getString("trigger")) ? ", started by the schedule" : "")
        .append(".\n\n");
    JsonArray checks = r.getJsonArray("checks");
    if (checks != null) {
      md.append("| Check | Result | Figure |\n|---|---|---|\n");
      checks.forEach(
          o -> {
            JsonObject c = (JsonObject) o;
            md.append("| ")
                .append(c.getString("title"))
                .append(" | ")
                .append(c.getBoolean("passed") ? "pass" : "**FAIL**")
                .append(" | ")
                .append(c.getString("figure").replace("|", "\\|"))
                .append(" |\n");
          });
      md.append("\n");
    }
    JsonObject t = r.getJsonObject("traffic");
    if (t.getValue("requests") != null) {
      md.append("Traffic (")
          .append(
              "live".equals(plan.getString("traffic"))
                  ? "live"
                  : t.getLong("sent") + " synthetic sent")
          .append("): ")
          .append(t.getLong("requests"))
          .append(" requests seen by the nodes");
      JsonObject by = t.getJsonObject("by_deployment");
      if (!by.isEmpty()) {
        md.append(" (")
            .append(
                String.join(
                    ", ",
                    by.fieldNames().stream().sorted().map(d -> d + " " + by.getValue(d)).toList()))
            .append(")");
      }
      if (t.getValue("p95_ms") != null) {
        md.append(
            String.format(
                Locale.ROOT,
                "; p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms at the gateway",
                t.getDouble("p50_ms"),
                t.getDouble("p95_ms"),
                t.getDouble("p99_ms"),
                t.getDouble("max_ms")));
      }
    } else {
      md.append("Under way: ").append(t.getLong("sent")).append(" synthetic requests sent so far");
    }
    md.append(".\n");
    JsonObject atStart = r.getJsonObject("at_start");
    if (atStart != null) {
      List<String> notClosed =
          atStart.fieldNames().stream()
              .sorted()
              .filter(d -> !"CLOSED".equals(atStart.getString(d)))
              .map(d -> d + " " + atStart.getString(d))
              .toList();
      md.append(
          notClosed.isEmpty()
              ? "Every breaker was CLOSED when the drill began.\n"
              : "Not CLOSED when the drill began: " + String.join(", ", notClosed) + ".\n");
    }
    return md.toString();
  }

  private static String capitalised(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
