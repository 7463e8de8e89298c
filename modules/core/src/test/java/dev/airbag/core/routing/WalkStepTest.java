package dev.airbag.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.outcome.Outcome;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The router's walk, outcome by outcome. */
class WalkStepTest {

  @Test
  void aSuccessIsServedAndTheCallersOwnErrorComesBackAsItIs() {
    assertThat(WalkStep.after(Outcome.SUCCESS, false)).isEqualTo(WalkStep.SERVE);
    assertThat(WalkStep.after(Outcome.CLIENT_ERROR, true)).isEqualTo(WalkStep.REFUSE);
  }

  @Test
  void everyProviderSideFailureAndABenchedDeploymentMoveOn() {
    for (Outcome o :
        new Outcome[] {
          Outcome.CONNECT_FAILURE,
          Outcome.TIMEOUT,
          Outcome.SERVER_ERROR,
          Outcome.RATE_LIMITED,
          Outcome.AUTH_FAILURE,
          Outcome.BENCHED
        }) {
      assertThat(WalkStep.after(o, true)).as(o.label()).isEqualTo(WalkStep.NEXT);
    }
  }

  @Test
  void aPromptTooLongJumpsToTheContextChainOnceWhereThereIsOne() {
    assertThat(WalkStep.after(Outcome.CONTEXT_WINDOW_EXCEEDED, true))
        .isEqualTo(WalkStep.CONTEXT_CHAIN);
    assertThat(WalkStep.after(Outcome.CONTEXT_WINDOW_EXCEEDED, false))
        .as("no chain, or already jumped")
        .isEqualTo(WalkStep.NEXT);
  }

  @Test
  void anExhaustedWalkIsTheCannedAnswerUnlessNobodyCouldTakeThePrompt() {
    assertThat(WalkStep.whenExhausted(Optional.of(Outcome.CONTEXT_WINDOW_EXCEEDED)))
        .isEqualTo(WalkStep.REFUSE_TOO_LONG);
    assertThat(WalkStep.whenExhausted(Optional.of(Outcome.SERVER_ERROR)))
        .isEqualTo(WalkStep.CANNED);
    assertThat(WalkStep.whenExhausted(Optional.empty()))
        .as("deadline before any call")
        .isEqualTo(WalkStep.CANNED);
  }
}
