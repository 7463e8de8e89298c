package dev.airbag.core.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AnswerCheckTest {

  private static final String QUESTION =
      "The city council voted to extend the night bus service to the harbour district "
          + "after a year of complaints from shift workers.";
  private static final EnumSet<AnswerCheck> ALL = EnumSet.allOf(AnswerCheck.class);

  private static ChatRequest request(OptionalInt maxTokens) {
    return new ChatRequest(
        "m",
        List.of(new ChatMessage(Role.USER, QUESTION)),
        maxTokens,
        OptionalDouble.empty(),
        OptionalDouble.empty(),
        List.of(),
        false,
        Optional.empty());
  }

  private static Optional<AnswerCheck> check(String answer, FinishReason finish) {
    return AnswerCheck.firstFailed(
        ALL,
        request(OptionalInt.empty()),
        new ChatResponse("id", "m", answer, finish, new Usage(1, 1)));
  }

  @Test
  void aGoodAnswerPassesEveryCheck() {
    assertThat(
            check(
                "The council extended the night bus to the harbour district, as shift workers had asked for a year.",
                FinishReason.STOP))
        .isEmpty();
  }

  @Test
  void eachFailureIsNamed() {
    assertThat(check("  ", FinishReason.STOP)).contains(AnswerCheck.EMPTY);
    assertThat(check("The council extended the night", FinishReason.LENGTH))
        .contains(AnswerCheck.TRUNCATED);
    assertThat(
            check(
                "the bus the bus the bus the bus the bus the bus the bus the bus",
                FinishReason.STOP))
        .contains(AnswerCheck.REPETITION);
    assertThat(
            check(
                "Tämä on lyhyt vastaus, joka ei liity kysymykseen lainkaan, mutta kuulostaa silti sujuvalta ja varmalta.",
                FinishReason.STOP))
        .contains(AnswerCheck.LANGUAGE);
  }

  @Test
  void aLoopIsAPhraseRecurringFiveTimesOverAtLeastTwoFifthsOfTheAnswer() {
    String fivePhrasesIn32Words =
        "As you know the bus runs late. As you know the ferry is slow. As you know the council met. "
            + "As you know the workers asked. As you know the district waited.";
    assertThat(AnswerCheck.repetitive(AnswerCheck.words(fivePhrasesIn32Words))).isTrue();
    assertThat(
            AnswerCheck.repetitive(
                AnswerCheck.words(
                    fivePhrasesIn32Words.replace(
                        "district waited.",
                        "district waited for a long and cold winter with no service at all."))))
        .as("5 x 3 of 43 words")
        .isFalse();
    assertThat(
            AnswerCheck.repetitive(
                AnswerCheck.words(
                    fivePhrasesIn32Words.replaceFirst("As you know", "Everyone said"))))
        .as("four times")
        .isFalse();
  }

  @Test
  void aLengthStopTheCallerAskedForIsNoTruncation() {
    ChatResponse cut =
        new ChatResponse(
            "id", "m", "The council extended the night", FinishReason.LENGTH, new Usage(1, 1));
    assertThat(AnswerCheck.firstFailed(ALL, request(OptionalInt.of(8)), cut)).isEmpty();
  }

  @Test
  void disabledChecksDoNotRun() {
    assertThat(
            AnswerCheck.firstFailed(
                EnumSet.noneOf(AnswerCheck.class),
                request(OptionalInt.empty()),
                new ChatResponse("id", "m", "", FinishReason.STOP, new Usage(1, 0))))
        .isEmpty();
  }

  @Test
  void wordsAreRunsOfLettersAndNumbersInLowerCase() {
    assertThat(AnswerCheck.words("Ça va? Très-bien, 42 fois!\n\u00bd ÉTÉ"))
        .containsExactly(
            Stream.of("ça", "va", "très", "bien", "42", "fois", "\u00bd", "été")
                .mapToLong(AnswerCheck::hash)
                .toArray());
    assertThat(AnswerCheck.words(" ... ")).isEmpty();
    assertThat(AnswerCheck.words("bus"))
        .containsExactly(AnswerCheck.hash("bus"))
        .doesNotContain(AnswerCheck.hash("but"));
    assertThat(AnswerCheck.hash("ÉTÉ")).isEqualTo(AnswerCheck.hash("été"));
    assertThat(AnswerCheck.words("one two three four", 2))
        .containsExactly(AnswerCheck.hash("one"), AnswerCheck.hash("two"));
    assertThat(AnswerCheck.words("one two", 2)).hasSize(2);
  }

  @Test
  void aWordOfSeveralLanguagesCountsForEachOfThem() {
    // "e" counts for Italian and Portuguese alike ("a" for English, "por" for Spanish): the other
    // words tell them apart.
    assertThat(
            AnswerCheck.language(
                AnswerCheck.words(
                    "O porto congelou em janeiro e os barcos pararam por duas semanas, "
                        + "mas a loja não fechou.")))
        .contains("pt");
    assertThat(
            AnswerCheck.language(
                AnswerCheck.words(
                    "Il porto è gelato a gennaio e i traghetti non sono partiti per due "
                        + "settimane.")))
        .contains("it");
  }

  @Test
  void shortTextsAreNotJudgedForLanguage() {
    assertThat(
            AnswerCheck.otherLanguage(
                AnswerCheck.words(QUESTION), AnswerCheck.words("Oui, merci.")))
        .isFalse();
  }
}
