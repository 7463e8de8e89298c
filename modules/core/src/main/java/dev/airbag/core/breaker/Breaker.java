package dev.airbag.core.breaker;

import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * A deployment's quality-aware circuit breaker. It trips on whichever signal crosses first (rolling
 * error rate, LiteLLM's allowed_fails as consecutive failures, slow-call rate, rolling judge mean),
 * each gated by a minimum amount of data; after the cooldown it lets exactly one probe through,
 * then ramps traffic back in steps; any failure while recovering re-opens it with a longer,
 * jittered cooldown. OPEN turns HALF_OPEN lazily, when a call asks. Not thread-safe: owned by the
 * deployment's verticle.
 *
 * <p>Across a cluster, every node's breaker for a deployment merges the others' window deltas
 * ({@link #mergeRemote}) so it decides on the cluster's counts, and publishes each decision it
 * makes (through {@code onTransition}); the others {@link #adopt} the newest. Epochs are Lamport
 * clocks: a local decision is one past the newest seen, and equal epochs are ordered by node id.
 * Which node sends the probe is the {@link ProbeGate}'s to decide.
 */
public final class Breaker {

  private static final Map<BreakerState, Set<BreakerState>> LEGAL =
      Map.of(
          BreakerState.CLOSED, EnumSet.of(BreakerState.OPEN),
          BreakerState.OPEN,
              EnumSet.of(BreakerState.OPEN, BreakerState.HALF_OPEN, BreakerState.CLOSED),
          BreakerState.HALF_OPEN, EnumSet.of(BreakerState.OPEN, BreakerState.CLOSED));

  /** Buckets per rolling window: the breaker's and the per-node view operators read. */
  public static final int BUCKETS = 12;

  private final String deployment;
  private final String node;
  private final BreakerPolicy policy;
  private final Clock clock;
  private final DoubleSupplier random;
  private final ProbeGate probeGate;
  private final Consumer<BreakerSnapshot> onTransition;
  private final RollingWindow window;
  private final RollingWindow judgeWindow;
  private final ArrayDeque<Long> consecutiveFailures = new ArrayDeque<>();

  private BreakerState state = BreakerState.CLOSED;
  private TripReason reason;
  private String detail;

  /**
   * Failed answer checks since the breaker last closed, by name: what a quality trip is named
   * after.
   */
  private final Map<String, Integer> checkFailures = new java.util.HashMap<>();

  private long epoch;
  private String decidedBy;
  private long openUntil;
  private int reopenings;

  /** -1 while HALF_OPEN waits for its probe; otherwise the index of the current ramp step. */
  private int rampStep = -1;

  private double rampCredit;
  private int stepCalls;
  private long stepStarted;
  private long probeSince = -1;

  /** After a quality trip a 200 is not enough: the probe's answer must also score well. */
  private boolean probeAwaitsScore;

  /**
   * When this HALF_OPEN began (the end of the open period before it): a judge's score of an answer
   * sampled earlier, one the judge took its time over, is counted but decides nothing of the
   * recovery.
   */
  private long recoveringSince;

  /**
   * @param node this node's id in the cluster
   * @param random uniform in [0, 1), for jitter
   * @param probeGate whether this node may send the probe; {@link ProbeGate#ALONE} without a
   *     cluster
   * @param onTransition told of every decision this breaker makes itself that the other nodes must
   *     follow (not of adopted ones): each trip, ramp step and close
   */
  public Breaker(
      String deployment,
      String node,
      BreakerPolicy policy,
      Clock clock,
      DoubleSupplier random,
      ProbeGate probeGate,
      Consumer<BreakerSnapshot> onTransition) {
    this.probeGate = probeGate;
    this.deployment = deployment;
    this.node = node;
    this.decidedBy = node;
    this.policy = policy;
    this.clock = clock;
    this.random = random;
    this.onTransition = onTransition;
    this.window = new RollingWindow(policy.settings().window(), BUCKETS, clock);
    this.judgeWindow = new RollingWindow(policy.settings().judgeWindow(), BUCKETS, clock);
  }

  public BreakerState state() {
    return state;
  }

  /** When an OPEN breaker turns HALF_OPEN (lazily, at the next call); 0 in any other state. */
  public long openUntilMillis() {
    return state == BreakerState.OPEN ? openUntil : 0;
  }

  /** May this deployment be called now? A granted call must be reported to {@link #record}. */
  public Permit acquire() {
    long now = clock.nowMillis();
    if (state == BreakerState.OPEN) {
      if (now < openUntil) {
        return Permit.REJECT;
      }
      transition(BreakerState.HALF_OPEN);
      recoveringSince = openUntil;
      rampStep = -1;
      probeSince = -1;
    }
    if (state == BreakerState.CLOSED) {
      return Permit.CALL;
    }
    if (rampStep < 0) {
      boolean free = probeSince < 0 || now - probeSince > policy.probeLease().toMillis();
      if (free && probeGate.mayProbe(openUntil)) {
        probeSince = now;
        return Permit.PROBE;
      }
      return Permit.REJECT;
    }
    // Credit-based admission: exactly the step's share of calls, spread evenly, no randomness to
    // test around.
    rampCredit += policy.rampSteps().get(rampStep);
    if (rampCredit
        >= 1 - 1e-9) { // ten times 0.1 is 0.999...: without the tolerance a step admits one call
      // short
      rampCredit -= 1;
      return Permit.CALL;
    }
    return Permit.REJECT;
  }

  /**
   * Reports how a permitted call ended, and returns what it added to the window (for sharing with
   * the other nodes). Outcomes that are the caller's fault count for nothing.
   */
  public WindowCounts record(Permit permit, Outcome outcome, long latencyMillis) {
    boolean probing = permit == Permit.PROBE && state == BreakerState.HALF_OPEN && rampStep < 0;
    if (!outcome.countsAsCall()) {
      if (probing) {
        probeSince = -1; // inconclusive: the next call probes instead
      }
      return WindowCounts.EMPTY;
    }
    boolean failure = outcome.countsAgainstProvider();
    boolean slow = latencyMillis >= policy.settings().slowCallThreshold().toMillis();
    WindowCounts counted = new WindowCounts(1, failure ? 1 : 0, slow ? 1 : 0, 0, 0);
    window.add(counted);
    switch (state) {
      case CLOSED -> {
        if (!countConsecutive(failure)) {
          evaluate();
        }
      }
      case HALF_OPEN -> {
        if (probing) {
          if (failure) {
            probeSince = -1;
            reopen();
          } else if (reason == TripReason.QUALITY) {
            probeAwaitsScore =
                true; // the probe slot stays taken until the judge has spoken (or its lease runs
            // out)
          } else {
            probeSince = -1;
            startStep(0);
            decided();
          }
        } else if (rampStep >= 0) {
          if (failure) {
            reopen();
          } else {
            stepCalls++;
            advanceRampIfClean();
          }
        }
      }
      case OPEN -> {} // a call that started before the trip: counted in the window, decides nothing
    }
    return counted;
  }

  /** As {@link #recordJudgeScore(double, long)} for an answer sampled now. */
  public WindowCounts recordJudgeScore(double score) {
    return recordJudgeScore(score, clock.nowMillis());
  }

  /**
   * Adds a judge's score in [0, 1] for one of this deployment's answers, sampled at {@code
   * sampledAtMillis}; returns what it counted. Recovering from a quality trip, the probe's score
   * decides the ramp, and a low score re-opens; a score of an answer sampled before the recovery
   * began (the judge works through its queue at its own pace) is counted in the window only.
   */
  public WindowCounts recordJudgeScore(double score, long sampledAtMillis) {
    WindowCounts counted = new WindowCounts(0, 0, 0, 1, score);
    judgeWindow.add(counted);
    boolean good = score >= policy.settings().judgeThreshold();
    if (state == BreakerState.CLOSED) {
      evaluate();
    } else if (state == BreakerState.HALF_OPEN
        && reason == TripReason.QUALITY
        && (probeAwaitsScore || rampStep >= 0)
        && sampledAtMillis >= recoveringSince) {
      boolean wasProbe = probeAwaitsScore;
      probeAwaitsScore = false;
      probeSince = -1;
      if (!good) {
        reopen();
      } else if (wasProbe) {
        startStep(0);
        decided();
      }
    }
    return counted;
  }

  /** Counts another node observed, merged so this breaker decides on the cluster's windows. */
  public void mergeRemote(long atMillis, WindowCounts counts) {
    window.addAt(
        atMillis, new WindowCounts(counts.calls(), counts.failures(), counts.slow(), 0, 0));
    if (counts.judged() > 0) {
      judgeWindow.addAt(atMillis, new WindowCounts(0, 0, 0, counts.judged(), counts.judgeSum()));
    }
    if (state == BreakerState.CLOSED) {
      evaluate();
    }
  }

  /**
   * Takes another node's decision when it is newer than this breaker's last one. The cluster has
   * decided, so any state may follow any other here; returns whether it was adopted.
   */
  public boolean adopt(BreakerSnapshot remote) {
    if (!remote.newerThan(epoch, decidedBy)) {
      return false;
    }
    if (remote.state() == BreakerState.HALF_OPEN && state != BreakerState.HALF_OPEN) {
      // The recovery began when the open period ended, or, for a node that never saw it open, now.
      recoveringSince = state == BreakerState.OPEN ? openUntil : clock.nowMillis();
    }
    state = remote.state();
    reason = remote.reason().orElse(null);
    detail = remote.detail().orElse(null);
    reopenings = remote.reopenings();
    openUntil = remote.openUntilMillis();
    probeSince = -1;
    probeAwaitsScore = false;
    rampStep = -1;
    consecutiveFailures.clear();
    if (state == BreakerState.CLOSED) {
      window.clear();
      judgeWindow.clear();
    } else if (state == BreakerState.HALF_OPEN) {
      int step = policy.rampSteps().indexOf(remote.rampFraction());
      if (step >= 0) {
        startStep(step);
      }
    }
    epoch = remote.epoch();
    decidedBy = remote.decidedBy();
    return true;
  }

  /** An answer failed a cheap check: as sure a verdict as a judge's 0, and remembered by name. */
  public WindowCounts recordCheckFailure(String check) {
    checkFailures.merge(check, 1, Integer::sum);
    return recordJudgeScore(0.0);
  }

  /** An operator or a drill opens the breaker for a set time, whatever its state. */
  public void forceOpen(TripReason why, Duration duration) {
    open(why, duration.toMillis());
  }

  /**
   * An operator closes the breaker at once, with fresh windows. Even when this node already reads
   * CLOSED it is a decision of its own, published, so nodes that tripped meanwhile follow it.
   */
  public void forceClose() {
    if (state != BreakerState.CLOSED) {
      close();
    } else {
      decided();
    }
  }

  public BreakerSnapshot snapshot() {
    double fraction =
        switch (state) {
          case CLOSED -> 1.0;
          case OPEN -> 0.0;
          case HALF_OPEN -> rampStep < 0 ? 0.0 : policy.rampSteps().get(rampStep);
        };
    return new BreakerSnapshot(
        deployment,
        state,
        Optional.ofNullable(reason),
        Optional.ofNullable(detail),
        epoch,
        decidedBy,
        state == BreakerState.OPEN ? openUntil : 0,
        fraction,
        reopenings,
        window.total(),
        judgeWindow.total());
  }

  /** Returns true when the failure streak tripped the breaker. */
  private boolean countConsecutive(boolean failure) {
    if (!failure) {
      consecutiveFailures.clear();
      return false;
    }
    long now = clock.nowMillis();
    consecutiveFailures.addLast(now);
    while (consecutiveFailures.peekFirst() <= now - BreakerPolicy.CONSECUTIVE_SPAN.toMillis()) {
      consecutiveFailures.removeFirst();
    }
    if (consecutiveFailures.size() > policy.allowedFails()) {
      open(TripReason.CONSECUTIVE_FAILURES, jittered(policy.consecutiveCooldown().toMillis()));
      return true;
    }
    return false;
  }

  private void evaluate() {
    var s = policy.settings();
    WindowCounts w = window.total();
    if (w.calls() >= s.minCalls() && w.errorRate() >= s.errorRateThreshold()) {
      open(TripReason.ERROR_RATE, jittered(s.cooldown().toMillis()));
    } else if (w.calls() >= s.minCalls() && w.slowRate() >= s.slowCallRateThreshold()) {
      open(TripReason.SLOW_CALLS, jittered(s.cooldown().toMillis()));
    } else {
      WindowCounts j = judgeWindow.total();
      if (j.judged() >= s.minJudged() && j.judgeMean() < s.judgeThreshold()) {
        String named =
            checkFailures.entrySet().stream()
                .max(Map.Entry.comparingByValue())
                .map(Map.Entry::getKey)
                .filter(check -> checkFailures.get(check) * 2 >= j.judged())
                .orElse("judge");
        open(TripReason.QUALITY, jittered(s.cooldown().toMillis()), named);
      }
    }
  }

  private void startStep(int step) {
    rampStep = step;
    rampCredit = 0;
    stepCalls = 0;
    stepStarted = clock.nowMillis();
  }

  private void advanceRampIfClean() {
    boolean held = clock.nowMillis() - stepStarted >= policy.rampStepHold().toMillis();
    if (stepCalls < policy.rampStepMinCalls() || !held) {
      return;
    }
    if (rampStep + 1 < policy.rampSteps().size()) {
      startStep(rampStep + 1);
      decided(); // the other nodes ramp with this one
    } else {
      close();
    }
  }

  /** A bad probe or ramp step: open again, each time for longer (capped), with jitter. */
  private void reopen() {
    reopenings++;
    long base =
        reason == TripReason.CONSECUTIVE_FAILURES
            ? policy.consecutiveCooldown().toMillis()
            : policy.settings().cooldown().toMillis();
    long factor = Math.min(1L << Math.min(reopenings, 30), policy.maxBackoffFactor());
    open(reason == null ? TripReason.MANUAL : reason, jittered(base * factor), detail);
  }

  private long jittered(long millis) {
    double spread = policy.jitter() * (2 * random.getAsDouble() - 1);
    return Math.max(1, Math.round(millis * (1 + spread)));
  }

  private void open(TripReason why, long durationMillis) {
    open(why, durationMillis, null);
  }

  private void open(TripReason why, long durationMillis, String named) {
    transition(BreakerState.OPEN);
    reason = why;
    detail = named;
    openUntil = clock.nowMillis() + durationMillis;
    rampStep = -1;
    probeSince = -1;
    probeAwaitsScore = false;
    consecutiveFailures.clear();
    onTransition.accept(snapshot());
  }

  private void close() {
    transition(BreakerState.CLOSED);
    reason = null;
    detail = null;
    checkFailures.clear();
    reopenings = 0;
    rampStep = -1;
    window.clear();
    judgeWindow.clear();
    consecutiveFailures.clear();
    onTransition.accept(snapshot());
  }

  private void transition(BreakerState to) {
    if (!LEGAL.get(state).contains(to)) {
      throw new IllegalStateException(
          deployment + ": illegal breaker transition " + state + " -> " + to);
    }
    state = to;
    // Every node turns HALF_OPEN by itself when the adopted open-until passes; only what follows
    // (the probe's verdict: a ramp step or a re-opening) is news to the others.
    epoch++;
    decidedBy = node;
  }

  /** A decision of this node's own that is not a state change (a ramp step); also counts as one. */
  private void decided() {
    epoch++;
    decidedBy = node;
    onTransition.accept(snapshot());
  }
}
