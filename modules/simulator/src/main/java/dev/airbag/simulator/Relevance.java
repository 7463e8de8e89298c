package dev.airbag.simulator;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The simulator's judge: how much of a question an answer addresses, measured as the share of the
 * question's content words (four letters or more, not a common English function word) that the
 * answer contains. An empty, off-topic, cut-off or other-language answer shares few of them and
 * scores low; an answer that restates the question's substance scores high. Crude on purpose, and
 * wrong in the ways a judge can be wrong (a paraphrase with other words scores low), so tests meet
 * a judge that can err.
 */
public final class Relevance {

  private static final Set<String> STOPWORDS =
      Set.of(
          "about",
          "above",
          "after",
          "again",
          "also",
          "because",
          "been",
          "before",
          "being",
          "below",
          "between",
          "both",
          "could",
          "does",
          "doing",
          "down",
          "during",
          "each",
          "from",
          "further",
          "have",
          "having",
          "here",
          "into",
          "itself",
          "just",
          "more",
          "most",
          "once",
          "only",
          "other",
          "over",
          "same",
          "should",
          "some",
          "such",
          "than",
          "that",
          "their",
          "them",
          "then",
          "there",
          "these",
          "they",
          "this",
          "those",
          "through",
          "under",
          "until",
          "very",
          "were",
          "what",
          "when",
          "where",
          "which",
          "while",
          "with",
          "would",
          "your",
          "summarize",
          "summary",
          "text",
          "please");

  private Relevance() {}

  /** A score in [0, 1]; 0 for an empty answer, 1 when the question has no content words to miss. */
  public static double score(String question, String answer) {
    if (answer.isBlank()) {
      return 0;
    }
    Set<String> wanted = contentWords(question);
    if (wanted.isEmpty()) {
      return 1;
    }
    Set<String> given = contentWords(answer);
    long found = wanted.stream().filter(given::contains).count();
    return (double) found / wanted.size();
  }

  static Set<String> contentWords(String text) {
    Set<String> words = new LinkedHashSet<>();
    for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (w.length() >= 4 && !STOPWORDS.contains(w)) {
        words.add(w);
      }
    }
    return words;
  }
}
