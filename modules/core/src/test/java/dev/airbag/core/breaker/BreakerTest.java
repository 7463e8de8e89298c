package dev.airbag.core.breaker;

import static dev.airbag.core.outcome.Outcome.CLIENT_ERROR;
import static dev.airbag.core.outcome.Outcome.SERVER_ERROR;
import static dev.airbag.core.outcome.Outcome.SUCCESS;
import static dev.airbag.core.outcome.Outcome.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.config.BreakerSettings;
import dev.airbag.core.time.FakeClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BreakerTest {

  private static final BreakerSettings SETTINGS =
      new BreakerSettings(
          0.2,
          10,
          Duration.ofSeconds(60),
          Duration.ofSeconds(1),
          0.5,
          0.7,
          5,
          Duration.ofHours(1),
          Duration.ofSeconds(300));
  private static final BreakerPolicy POLICY =
      new BreakerPolicy(
          SETTINGS,
          2,
          Duration.ofSeconds(60),
          List.of(0.1, 0.25, 0.5),
          5,
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          8,
          0.1);

  private final FakeClock clock = new FakeClock();
  private final List<BreakerSnapshot> transitions = new ArrayList<>();
  private double random = 0.5; // no jitter
  private final Breaker breaker =
      new Breaker(
          "primary", "node-a", POLICY, clock, () -> random, ProbeGate.ALONE, transitions::add);

  private void call(dev.airbag.core.outcome.Outcome outcome) {
    call(outcome, 10);
  }

  private void call(dev.airbag.core.outcome.Outcome outcome, long latency) {
    Permit permit = breaker.acquire();
    assertThat(permit.allowed()).as("permitted in " + breaker.state()).isTrue();
    breaker.record(permit, outcome, latency);
  }

  private void tripOnErrorRate() {
    for (int i = 0; i < 10; i++) {
      call(i % 5 == 0 ? SERVER_ERROR : SUCCESS);
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  private Duration openFor() {
    return Duration.ofMillis(breaker.snapshot().openUntilMillis() - clock.nowMillis());
  }

  @Test
  void errorRateTripsOnlyOnceTheWindowHoldsMinCalls() {
    for (int i = 0; i < 9; i++) {
      call(i % 4 == 0 ? SERVER_ERROR : SUCCESS); // 3 of 9 failed: 33%, but below min_calls
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);

    call(SUCCESS); // 10 calls, 30% >= 20%
    BreakerSnapshot s = breaker.snapshot();
    assertThat(s.state()).isEqualTo(BreakerState.OPEN);
    assertThat(s.reason()).contains(TripReason.ERROR_RATE);
    assertThat(openFor()).isEqualTo(Duration.ofSeconds(300));
    assertThat(breaker.acquire()).isEqualTo(Permit.REJECT);
  }

  @Test
  void moreConsecutiveFailuresThanAllowedFailsTripForLiteLlmsCooldownTime() {
    call(TIMEOUT);
    call(TIMEOUT);
    call(SUCCESS); // a success ends the streak
    call(TIMEOUT);
    call(TIMEOUT);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);

    call(TIMEOUT);
    assertThat(breaker.snapshot().reason()).contains(TripReason.CONSECUTIVE_FAILURES);
    assertThat(openFor()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void slowCallsTrip() {
    for (int i = 0; i < 10; i++) {
      call(SUCCESS, i % 2 == 0 ? 1_500 : 20);
    }
    assertThat(breaker.snapshot().reason()).contains(TripReason.SLOW_CALLS);
  }

  @Test
  void aLowJudgeMeanTripsOnceEnoughScoresAreIn() {
    for (int i = 0; i < 4; i++) {
      breaker.recordJudgeScore(0.2);
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    breaker.recordJudgeScore(0.9); // mean 0.34 over 5 scores
    assertThat(breaker.snapshot().reason()).contains(TripReason.QUALITY);
  }

  @Test
  void clientErrorsNeverCountAgainstTheProvider() {
    for (int i = 0; i < 50; i++) {
      call(CLIENT_ERROR);
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(breaker.snapshot().window().calls()).isZero();
  }

  @Test
  void failuresAgeOutOfTheWindow() {
    for (int i = 0; i < 9; i++) {
      call(i % 4 == 0 ? SERVER_ERROR : SUCCESS);
    }
    clock.advance(Duration.ofSeconds(61));
    call(SUCCESS);
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(breaker.snapshot().window().calls()).isEqualTo(1);
  }

  @Test
  void afterTheCooldownExactlyOneProbeGoesThrough() {
    tripOnErrorRate();
    clock.advance(Duration.ofSeconds(299));
    assertThat(breaker.acquire()).isEqualTo(Permit.REJECT);

    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
    assertThat(breaker.state()).isEqualTo(BreakerState.HALF_OPEN);
    for (int i = 0; i < 20; i++) {
      assertThat(breaker.acquire()).isEqualTo(Permit.REJECT);
    }
  }

  @Test
  void aProbeThatNeverReportsFreesTheSlotAfterItsLease() {
    tripOnErrorRate();
    clock.advance(Duration.ofSeconds(300));
    assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
    clock.advance(Duration.ofSeconds(30));
    assertThat(breaker.acquire()).isEqualTo(Permit.REJECT);
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
  }

  @Test
  void aCleanProbeRampsTrafficBackStepByStepThenCloses() {
    tripOnErrorRate();
    clock.advance(Duration.ofSeconds(300));
    breaker.record(breaker.acquire(), SUCCESS, 10);

    for (double share : List.of(0.1, 0.25, 0.5)) {
      assertThat(breaker.snapshot().rampFraction()).isEqualTo(share);
      int admitted = 0;
      for (int i = 0; i < 100; i++) {
        Permit p = breaker.acquire();
        if (p.allowed()) {
          admitted++;
          if (admitted <= 5) {
            breaker.record(p, SUCCESS, 10);
          }
        }
      }
      assertThat(admitted)
          .as("share %s of 100 calls", share)
          .isEqualTo((int) Math.round(share * 100));
      assertThat(breaker.snapshot().rampFraction())
          .as("held until the step's time has passed")
          .isEqualTo(share);
      clock.advance(Duration.ofSeconds(10));
      Permit next;
      do {
        next = breaker.acquire();
      } while (!next.allowed());
      breaker.record(next, SUCCESS, 10); // the step has its calls and its time: on to the next
    }
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(breaker.snapshot().window().calls()).as("fresh windows once closed").isZero();
    assertThat(transitions)
        .extracting(BreakerSnapshot::state, BreakerSnapshot::rampFraction)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(BreakerState.OPEN, 0.0),
            org.assertj.core.groups.Tuple.tuple(BreakerState.HALF_OPEN, 0.1),
            org.assertj.core.groups.Tuple.tuple(BreakerState.HALF_OPEN, 0.25),
            org.assertj.core.groups.Tuple.tuple(BreakerState.HALF_OPEN, 0.5),
            org.assertj.core.groups.Tuple.tuple(BreakerState.CLOSED, 1.0));
    assertThat(transitions).extracting(BreakerSnapshot::epoch).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aBadProbeReopensWithADoublingCooldownUpToTheCap() {
    tripOnErrorRate();
    List<Duration> cooldowns = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      clock.advance(openFor());
      Permit probe = breaker.acquire();
      assertThat(probe).isEqualTo(Permit.PROBE);
      breaker.record(probe, SERVER_ERROR, 10);
      assertThat(breaker.snapshot().reason()).contains(TripReason.ERROR_RATE);
      cooldowns.add(openFor());
    }
    assertThat(cooldowns)
        .containsExactly(
            Duration.ofSeconds(600),
            Duration.ofSeconds(1200),
            Duration.ofSeconds(2400),
            Duration.ofSeconds(2400),
            Duration.ofSeconds(2400));
  }

  @Test
  void aFailureDuringTheRampReopens() {
    tripOnErrorRate();
    clock.advance(Duration.ofSeconds(300));
    breaker.record(breaker.acquire(), SUCCESS, 10);
    Permit p;
    do {
      p = breaker.acquire();
    } while (!p.allowed());
    breaker.record(p, TIMEOUT, 10);
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    assertThat(openFor()).isEqualTo(Duration.ofSeconds(600));
  }

  @Test
  void anInconclusiveProbeLetsTheNextCallProbe() {
    tripOnErrorRate();
    clock.advance(Duration.ofSeconds(300));
    breaker.record(breaker.acquire(), CLIENT_ERROR, 10);
    assertThat(breaker.acquire()).isEqualTo(Permit.PROBE);
  }

  @Test
  void cooldownsCarryJitter() {
    random = 0.0;
    tripOnErrorRate();
    assertThat(openFor()).isEqualTo(Duration.ofSeconds(270));
  }

  @Test
  void operatorsOpenAndCloseByHand() {
    breaker.forceOpen(TripReason.DRILL, Duration.ofMinutes(2));
    BreakerSnapshot open = breaker.snapshot();
    assertThat(open.reason()).contains(TripReason.DRILL);
    assertThat(openFor()).isEqualTo(Duration.ofMinutes(2));

    breaker.forceClose();
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(breaker.snapshot().epoch()).isGreaterThan(open.epoch());
    int published = transitions.size();
    breaker.forceClose();
    assertThat(transitions)
        .as("closing a closed breaker is still an operator's decision, for the cluster to follow")
        .hasSize(published + 1);
    assertThat(transitions.get(published).state()).isEqualTo(BreakerState.CLOSED);
  }

  private Breaker peer(String node) {
    return new Breaker("primary", node, POLICY, clock, () -> 0.5, ProbeGate.ALONE, s -> {});
  }

  @Test
  void aPeerAdoptsANewerTripAndIgnoresAnOlderOne() {
    Breaker b = peer("node-b");
    tripOnErrorRate();
    BreakerSnapshot trip = transitions.get(0);

    assertThat(b.adopt(trip)).isTrue();
    assertThat(b.acquire()).isEqualTo(Permit.REJECT);
    assertThat(b.snapshot().openUntilMillis()).isEqualTo(trip.openUntilMillis());
    assertThat(b.snapshot().reason()).contains(TripReason.ERROR_RATE);
    assertThat(b.adopt(trip)).as("the same decision twice is no news").isFalse();

    b.forceClose(); // b's own decision, one epoch past the trip
    assertThat(breaker.adopt(b.snapshot())).isTrue();
    assertThat(breaker.state()).isEqualTo(BreakerState.CLOSED);
    assertThat(b.adopt(trip)).as("older than b's close").isFalse();
  }

  @Test
  void equalEpochsAreOrderedByNodeId() {
    Breaker b = peer("node-b");
    breaker.forceOpen(TripReason.MANUAL, Duration.ofMinutes(1));
    b.forceOpen(TripReason.DRILL, Duration.ofMinutes(2));
    assertThat(breaker.adopt(b.snapshot())).isTrue();
    assertThat(b.adopt(breaker.snapshot())).isFalse();
    assertThat(breaker.snapshot().reason()).contains(TripReason.DRILL);
  }

  @Test
  void remoteCountsMergeIntoTheWindowThatDecides() {
    for (int i = 0; i < 8; i++) {
      call(SUCCESS);
    }
    breaker.mergeRemote(clock.nowMillis() - 1_000, new WindowCounts(2, 2, 0, 0, 0));
    assertThat(breaker.snapshot().reason())
        .as("10 calls, 20%% failed, across two nodes")
        .contains(TripReason.ERROR_RATE);
  }

  @Test
  void onlyTheNodeThatWinsTheProbeProbesAndThePeersFollowItsRamp() {
    Breaker b = new Breaker("primary", "node-b", POLICY, clock, () -> 0.5, cycle -> false, s -> {});
    tripOnErrorRate();
    b.adopt(transitions.get(0));
    clock.advance(Duration.ofSeconds(300));
    for (int i = 0; i < 10; i++) {
      assertThat(b.acquire()).as("node-b lost the probe to node-a").isEqualTo(Permit.REJECT);
    }
    assertThat(b.state()).isEqualTo(BreakerState.HALF_OPEN);

    Permit probe = breaker.acquire();
    assertThat(probe).isEqualTo(Permit.PROBE);
    breaker.record(probe, SUCCESS, 10);
    assertThat(b.adopt(transitions.get(transitions.size() - 1))).isTrue();
    int admitted = 0;
    for (int i = 0; i < 50; i++) {
      if (b.acquire().allowed()) {
        admitted++;
      }
    }
    assertThat(admitted).isEqualTo(5);
  }

  @Test
  void theProbeGateIsAskedAboutThisCooldownsCycle() {
    List<Long> asked = new ArrayList<>();
    Breaker gated =
        new Breaker(
            "primary", "node-c", POLICY, clock, () -> 0.5, cycle -> asked.add(cycle), s -> {});
    gated.forceOpen(TripReason.MANUAL, Duration.ofSeconds(5));
    long cycle = gated.snapshot().openUntilMillis();
    clock.advance(Duration.ofSeconds(5));
    assertThat(gated.acquire()).isEqualTo(Permit.PROBE);
    assertThat(asked).containsExactly(cycle);
  }

  private void tripOnQuality() {
    for (int i = 0; i < 5; i++) {
      breaker.recordJudgeScore(0.1);
    }
    assertThat(breaker.snapshot().reason()).contains(TripReason.QUALITY);
    clock.advance(Duration.ofSeconds(300));
  }

  @Test
  void afterAQualityTripTheProbeMustAlsoScoreWellBeforeTheRamp() {
    tripOnQuality();
    Permit probe = breaker.acquire();
    breaker.record(probe, SUCCESS, 10);
    assertThat(breaker.snapshot().rampFraction())
        .as("a 200 alone is not clean after a quality trip")
        .isZero();
    assertThat(breaker.acquire())
        .as("the probe's slot is held while its score is pending")
        .isEqualTo(Permit.REJECT);

    breaker.recordJudgeScore(0.9);
    assertThat(breaker.snapshot().rampFraction()).isEqualTo(0.1);
  }

  @Test
  void aBadlyScoredProbeOrRampAnswerReopensAfterAQualityTrip() {
    tripOnQuality();
    breaker.record(breaker.acquire(), SUCCESS, 10);
    breaker.recordJudgeScore(0.2);
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
    assertThat(openFor()).isEqualTo(Duration.ofSeconds(600));

    clock.advance(openFor());
    breaker.record(breaker.acquire(), SUCCESS, 10);
    breaker.recordJudgeScore(0.95);
    assertThat(breaker.snapshot().rampFraction()).isEqualTo(0.1);
    breaker.recordJudgeScore(0.3); // a ramp answer judged bad
    assertThat(breaker.state()).isEqualTo(BreakerState.OPEN);
  }

  /**
   * The judge works through its queue at its own pace: scores of answers sampled before the
   * recovery began arrive during it. They count in the window, but neither stand in for the probe's
   * score nor re-open the ramp; the probe's own score and a fresh ramp answer's decide.
   */
  @Test
  void aScoreOfAnAnswerSampledBeforeTheRecoveryDecidesNothingOfIt() {
    long beforeTheTrip = clock.nowMillis();
    tripOnQuality();
    breaker.record(breaker.acquire(), SUCCESS, 10);

    breaker.recordJudgeScore(0.95, beforeTheTrip);
    assertThat(breaker.snapshot().rampFraction())
        .as("a stale good score is not the probe's")
        .isZero();
    breaker.recordJudgeScore(0.1, beforeTheTrip);
    assertThat(breaker.state())
        .as("a stale bad score is not the probe's")
        .isEqualTo(BreakerState.HALF_OPEN);

    breaker.recordJudgeScore(0.9, clock.nowMillis());
    assertThat(breaker.snapshot().rampFraction()).as("the probe's own score").isEqualTo(0.1);
    breaker.recordJudgeScore(0.1, beforeTheTrip);
    assertThat(breaker.state())
        .as("a stale bad score during the ramp")
        .isEqualTo(BreakerState.HALF_OPEN);
    breaker.recordJudgeScore(0.1, clock.nowMillis());
    assertThat(breaker.state()).as("a ramp answer judged bad").isEqualTo(BreakerState.OPEN);
  }
}
