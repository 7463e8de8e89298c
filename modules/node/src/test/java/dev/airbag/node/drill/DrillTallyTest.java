package dev.airbag.node.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.node.bus.RequestOrigin;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What each node counts of a drill's traffic, and the merge of every node's figures at the end. */
class DrillTallyTest {

  private static final long UNTIL = 10_000;
  private static final DrillOverride DRILL =
      new DrillOverride("d1", DrillKind.FAILOVER, "primary", "group", UNTIL, 20_000, false, 1);

  @Test
  void onlyTheDrillsOwnTrafficCountsUnlessTheDrillIsLive() {
    DrillTally synthetic = new DrillTally(DRILL);
    assertThat(synthetic.counts(RequestOrigin.DRILL)).isTrue();
    assertThat(synthetic.counts(RequestOrigin.USER)).isFalse();
    DrillTally live =
        new DrillTally(
            new DrillOverride(
                "d2", DrillKind.FAILOVER, "primary", "group", UNTIL, 20_000, true, 1));
    assertThat(live.counts(RequestOrigin.USER)).isTrue();
    assertThat(live.counts(RequestOrigin.JUDGE)).isFalse();
  }

  @Test
  void theWindowsRequestsAreToldApartByWhoAnsweredThem() {
    DrillTally tally = new DrillTally(DRILL);
    tally.observe(1_000, 2_000_000, "primary", "primary", false, 1); // before the drill reached it
    tally.observe(2_000, 3_000_000, "secondary", "secondary", false, 2);
    tally.observe(3_000, 4_000_000, null, "canned", true, 3);
    tally.observe(UNTIL + 1, 1_000_000, "primary", "primary", false, 1); // after the window
    JsonObject figures = tally.figures().toReport();
    assertThat(figures.getLong("requests")).isEqualTo(4);
    assertThat(figures.getLong("user_visible_errors")).isEqualTo(1);
    assertThat(figures.getLong("window_requests")).isEqualTo(3);
    assertThat(figures.getLong("window_by_target")).isEqualTo(1);
    assertThat(figures.getLong("window_elsewhere")).isEqualTo(2);
    assertThat(figures.getLong("window_elsewhere_answered")).isEqualTo(1);
    assertThat(figures.getInteger("window_elsewhere_max_attempts")).isEqualTo(3);
    assertThat(figures.getJsonObject("window_answered_by").getLong("secondary (secondary tier)"))
        .isEqualTo(1);
    assertThat(figures.getJsonObject("by_deployment").getLong("primary")).isEqualTo(2);
  }

  @Test
  void everyNodesFiguresAddUpAcrossTheWireAndTheirLatenciesMergeIntoPercentiles() {
    DrillTally a = new DrillTally(DRILL);
    DrillTally b = new DrillTally(DRILL);
    for (int i = 0; i < 99; i++) {
      a.observe(1_000, 10_000_000, "secondary", "secondary", false, 2); // 10 ms
    }
    b.observe(1_000, 500_000_000, "secondary", "secondary", false, 4); // 500 ms
    // a's figures cross the event bus as another node's would; b's are this node's own
    JsonObject merged =
        TrafficFigures.merge(
                List.of(
                    TrafficFigures.fromWire(a.figures().toWire()),
                    b.figures(),
                    TrafficFigures.none()))
            .toReport();
    assertThat(merged.getLong("requests")).isEqualTo(100);
    assertThat(merged.getLong("window_elsewhere_answered")).isEqualTo(100);
    assertThat(merged.getInteger("window_elsewhere_max_attempts")).isEqualTo(4);
    assertThat(merged.getJsonObject("by_deployment").getLong("secondary")).isEqualTo(100);
    assertThat(merged.getDouble("p50_ms")).isEqualTo(10.0);
    assertThat(merged.getDouble("max_ms")).isGreaterThanOrEqualTo(500.0).isLessThan(510.0);
  }
}
