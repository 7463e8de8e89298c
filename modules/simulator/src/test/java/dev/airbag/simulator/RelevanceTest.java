package dev.airbag.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RelevanceTest {

  private static final String QUESTION =
      "The city council voted to extend the night bus service to the harbour "
          + "district after a year of complaints from shift workers.";

  @Test
  void aHealthyAnswerPasses() {
    assertThat(Relevance.score(QUESTION, Answer.healthy(QUESTION).text()))
        .isGreaterThanOrEqualTo(0.9);
  }

  @ParameterizedTest
  @EnumSource(Fault.Garbage.class)
  void everyKindOfGarbageFails(Fault.Garbage kind) {
    assertThat(Relevance.score(QUESTION, Answer.garbage(kind, QUESTION).text())).isLessThan(0.3);
  }

  @Test
  void aGradingRequestGetsAJsonVerdict() {
    String user = "QUESTION:\n" + QUESTION + "\n\nANSWER:\n" + Answer.OFF_TOPIC;
    String verdict = Answer.verdict("You are grading an answer.", user).orElseThrow().text();
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(verdict);
    assertThat(json.getDouble("score")).isLessThan(0.3);
    assertThat(json.getString("reason")).contains("content words");
    assertThat(Answer.verdict("Summarize.", "Owls hunt at night.")).isEmpty();
  }
}
