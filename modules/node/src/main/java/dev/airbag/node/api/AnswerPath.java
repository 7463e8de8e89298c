package dev.airbag.node.api;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.drill.DrillsInForce;
import dev.airbag.node.lane.ProviderLane;
import dev.airbag.node.routing.ChatRouter;
import dev.airbag.node.routing.RoutedAnswer;
import dev.airbag.node.telemetry.NodeTracing;
import dev.airbag.providers.http.ProviderException;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import java.util.Map;

/**
 * The one way every door (HTTP in either dialect, the event bus) has a request answered: who it is
 * for, the router's walk under the request's span, and the tier marked on that span. What the door
 * does with the answer is its own dialect's business; a streamed answer's end comes back here for
 * the checks and the judge. One instance per server verticle, used only on its context.
 */
public final class AnswerPath {

  /** Headers every door puts on an answer (the event bus as message headers). */
  public static final String TIER_HEADER = "x-airbag-tier";

  public static final String DEPLOYMENT_HEADER = "x-airbag-deployment";
  public static final String ATTEMPTS_HEADER = "x-airbag-attempts";

  private final ChatRouter router;
  private final Map<String, ProviderLane> lanes;
  private final DrillsInForce drills;
  private final NodeTracing tracing;

  AnswerPath(
      ChatRouter router,
      Map<String, ProviderLane> lanes,
      DrillsInForce drills,
      NodeTracing tracing) {
    this.router = router;
    this.lanes = lanes;
    this.drills = drills;
    this.tracing = tracing;
  }

  public NodeTracing tracing() {
    return tracing;
  }

  /**
   * Who a request is for: {@code drillHeader} (its {@code x-airbag-drill}) makes it a drill's own
   * traffic only when it names a drill this node knows, so a caller cannot opt out of judging by
   * naming one.
   */
  public RequestOrigin origin(String drillHeader) {
    return drillHeader != null && drills.knows(drillHeader)
        ? RequestOrigin.DRILL
        : RequestOrigin.USER;
  }

  /**
   * Routes {@code request} under {@code span}, which then carries the tier, deployment and
   * attempts.
   */
  public Future<RoutedAnswer> answer(ChatRequest request, RequestOrigin origin, Span span) {
    return router
        .route(request, origin, Context.root().with(span))
        .onSuccess(
            answer -> {
              String tier = ChatRouter.tierOf(answer);
              if (tier != null) {
                NodeTracing.served(
                    span,
                    tier,
                    answer instanceof RoutedAnswer.Served s ? s.deployment() : null,
                    answer.attempts());
              }
            });
  }

  /**
   * A served stream broke after its first token; a caller that hung up is not the provider's fault.
   */
  public void streamBroke(RoutedAnswer.Served served, ProviderException failure) {
    lanes.get(served.deployment()).streamBroke(failure);
  }

  /**
   * A served stream reached its end: the assembled answer gets the checks and the judge's sampling.
   */
  public void streamEnded(
      RoutedAnswer.Served served,
      ChatRequest request,
      ChatResponse assembled,
      RequestOrigin origin) {
    lanes.get(served.deployment()).streamEnded(request, assembled, origin);
  }
}
