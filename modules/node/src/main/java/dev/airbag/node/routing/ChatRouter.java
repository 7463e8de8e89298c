package dev.airbag.node.routing;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.config.CannedSettings;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.routing.Candidate;
import dev.airbag.core.routing.Tier;
import dev.airbag.core.routing.TierPlan;
import dev.airbag.core.routing.WalkStep;
import dev.airbag.core.time.Clock;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.drill.DrillTally;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.lane.ProviderLane;
import dev.airbag.node.lane.ProviderReply;
import dev.airbag.node.telemetry.MinuteCounters;
import dev.airbag.node.telemetry.NodeMetrics;
import dev.airbag.providers.http.ProviderException;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Walks a request down its tier chain: each tier's deployments in turn (rotating the first, to
 * spread load), moving on after any failure worth moving on from, jumping to the context-window
 * chain when a prompt is too long, until one answers, the caller's own error comes back, or the
 * deadline passes. One instance per API verticle, used only on its context.
 */
public final class ChatRouter {

  private final Map<String, ProviderLane> lanes;
  private final TierPlan plan;
  private final Clock clock;
  private final NodeMetrics metrics;
  private final MinuteCounters minutes;
  private final DrillsInForce drills;
  private final Duration requestTimeout;
  private final CannedSettings canned;
  private int rotation;

  public ChatRouter(
      Map<String, ProviderLane> lanes,
      TierPlan plan,
      Clock clock,
      Duration requestTimeout,
      CannedSettings canned,
      NodeMetrics metrics,
      MinuteCounters minutes,
      DrillsInForce drills) {
    this.canned = canned;
    this.metrics = metrics;
    this.minutes = minutes;
    this.drills = drills;
    this.lanes = lanes;
    this.plan = plan;
    this.clock = clock;
    this.requestTimeout = requestTimeout;
  }

  /**
   * Routes a request; one for a model group that does not exist is refused (404) without a call.
   */
  public Future<RoutedAnswer> route(ChatRequest request, RequestOrigin origin, Context trace) {
    Optional<List<Tier>> found = plan.chainFor(request.model());
    if (found.isEmpty()) {
      return Future.succeededFuture(
          new RoutedAnswer.Refused(Refusal.modelNotFound(request.model(), plan.modelGroups()), 0));
    }
    List<Tier> chain = found.get();
    long started = clock.nanoTime();
    long sentAt = clock.nowMillis();
    Walk walk = new Walk(request, origin, chain, started + requestTimeout.toNanos(), trace);
    walk.next(candidates(chain), 0);
    return walk.result
        .future()
        .onSuccess(
            answer -> {
              String tier = tierOf(answer);
              if (tier != null) {
                metrics.served(request.model(), tier);
                minutes.served(request.model(), tier);
              }
              DrillTally tally = drills.tallying(request.model(), sentAt);
              if (tally != null && tally.counts(origin)) {
                RoutedAnswer.Served served = answer instanceof RoutedAnswer.Served s ? s : null;
                tally.observe(
                    sentAt,
                    clock.nanoTime() - started,
                    served == null ? null : served.deployment(),
                    served == null ? null : served.tier(),
                    answer instanceof RoutedAnswer.Canned,
                    answer.attempts());
              }
            });
  }

  /**
   * The tier an answer is reported under: the serving tier's name, {@code canned}, or null for a
   * refusal.
   */
  public static String tierOf(RoutedAnswer answer) {
    if (answer instanceof RoutedAnswer.Served served) {
      return served.tier();
    }
    return answer instanceof RoutedAnswer.Canned ? RoutedAnswer.Canned.TIER : null;
  }

  private List<Candidate> candidates(List<Tier> tiers) {
    return Candidate.inOrder(tiers, rotation++);
  }

  /** The state of one request's way down the chain. */
  private final class Walk {
    final ChatRequest request;
    final RequestOrigin origin;
    final List<Tier> chain;
    final long deadline;
    final Context trace;
    final Promise<RoutedAnswer> result = Promise.promise();
    int attempts;
    boolean contextJumped;
    Optional<ProviderException> lastFailure = Optional.empty();

    Walk(
        ChatRequest request, RequestOrigin origin, List<Tier> chain, long deadline, Context trace) {
      this.trace = trace;
      this.request = request;
      this.origin = origin;
      this.chain = chain;
      this.deadline = deadline;
    }

    void next(List<Candidate> candidates, int index) {
      if (index >= candidates.size() || deadline - clock.nanoTime() <= 0) {
        exhausted();
        return;
      }
      Candidate candidate = candidates.get(index);
      lanes
          .get(candidate.deployment().id())
          .call(request, deadline, origin, trace)
          .onSuccess(reply -> onReply(candidates, index, candidate, reply));
    }

    void onReply(List<Candidate> candidates, int index, Candidate candidate, ProviderReply reply) {
      attempts += reply.attempts();
      List<Tier> contextChain =
          reply.outcome() == Outcome.CONTEXT_WINDOW_EXCEEDED && !contextJumped
              ? plan.contextChainFor(candidate.tier().modelGroup(), chain)
              : List.of();
      WalkStep step = WalkStep.after(reply.outcome(), !contextChain.isEmpty());
      if (step == WalkStep.SERVE) {
        String model =
            reply
                .response()
                .map(r -> r.model().isEmpty() ? null : r.model())
                .orElse(candidate.deployment().model());
        result.complete(
            new RoutedAnswer.Served(
                candidate.tier().name(),
                candidate.deployment().id(),
                model == null ? candidate.deployment().model() : model,
                attempts,
                reply.response().orElse(null),
                reply.stream().orElse(null)));
        return;
      }
      ProviderException failure = reply.failure().orElseThrow();
      lastFailure = Optional.of(failure);
      if (step == WalkStep.REFUSE) {
        int status = failure.status() >= 400 && failure.status() < 500 ? failure.status() : 400;
        result.complete(
            new RoutedAnswer.Refused(
                new Refusal(status, failure.getMessage(), null, null), attempts));
        return;
      }
      if (step == WalkStep.CONTEXT_CHAIN) {
        contextJumped = true;
        next(candidates(contextChain), 0);
        return;
      }
      next(candidates, index + 1);
    }

    void exhausted() {
      if (WalkStep.whenExhausted(lastFailure.map(ProviderException::outcome))
          == WalkStep.REFUSE_TOO_LONG) {
        result.complete(
            new RoutedAnswer.Refused(
                new Refusal(
                    400, lastFailure.get().getMessage(), "messages", "context_length_exceeded"),
                attempts));
        return;
      }
      result.complete(
          new RoutedAnswer.Canned(
              attempts, canned.message(), canned.mode() == CannedSettings.Mode.ERROR));
    }
  }
}
