package dev.airbag.simulator;

import java.util.Set;

/**
 * What the simulated model says. A healthy answer restates the question's own content words, so a
 * relevance measure between question and answer scores it high; garbage does not share them.
 *
 * @param finish the provider-neutral reason: {@code stop} or {@code length}
 */
record Answer(String text, String finish, int completionTokens) {

  static final String OFF_TOPIC =
      "The weather in the northern valleys stays mild this week, with light winds and clear evenings "
          + "that suit an early walk by the river before the markets open.";
  static final String WRONG_LANGUAGE =
      "Tämä on lyhyt vastaus, joka ei liity kysymykseen lainkaan, mutta kuulostaa silti sujuvalta ja varmalta.";

  static Answer of(String text, String finish) {
    return new Answer(text, finish, Math.max(text.isEmpty() ? 0 : 1, (text.length() + 3) / 4));
  }

  /** The healthy answer: a short summary built from the question's first sentence. */
  static Answer healthy(String question) {
    String words =
        String.join(" ", java.util.Arrays.stream(question.trim().split("\\s+")).limit(40).toList());
    if (words.isBlank()) {
      return of("There was no text to summarize.", "stop");
    }
    return of("Here is a short summary: " + words + (words.endsWith(".") ? "" : "."), "stop");
  }

  /**
   * A judge's verdict, when the request is a grading request: a system prompt that asks for grading
   * and a user message laid out as {@code QUESTION:} ... {@code ANSWER:} ... (Airbag's rubric).
   * Scored by {@link Relevance}; empty when the request is not a grading request.
   */
  static java.util.Optional<Answer> verdict(String prompt, String userMessage) {
    int q = userMessage.indexOf("QUESTION:\n");
    int a = userMessage.indexOf("\n\nANSWER:\n");
    if (!prompt.contains("grading") || q != 0 || a < 0) {
      return java.util.Optional.empty();
    }
    String question = userMessage.substring("QUESTION:\n".length(), a);
    String answer = userMessage.substring(a + "\n\nANSWER:\n".length());
    Set<String> wanted = Relevance.contentWords(question);
    double score = Math.round(Relevance.score(question, answer) * 100) / 100.0;
    String reason =
        "the answer contains "
            + Math.round(score * wanted.size())
            + " of the question's "
            + wanted.size()
            + " content words";
    return java.util.Optional.of(
        of(
            new io.vertx.core.json.JsonObject().put("score", score).put("reason", reason).encode(),
            "stop"));
  }

  static Answer garbage(Fault.Garbage kind, String question) {
    return switch (kind) {
      case OFF_TOPIC -> of(OFF_TOPIC, "stop");
      case EMPTY -> of("", "stop");
      case TRUNCATED -> {
        String full = healthy(question).text();
        yield of(
            full.substring(0, Math.min(full.length(), 14)), "length"); // cut off by a length limit
      }
      case WRONG_LANGUAGE -> of(WRONG_LANGUAGE, "stop");
    };
  }
}
