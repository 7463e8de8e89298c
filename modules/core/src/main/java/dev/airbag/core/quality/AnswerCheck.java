package dev.airbag.core.quality;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks that need no model, run on every answer: each names a way an HTTP 200 can still be garbage.
 * A failed check is as sure a verdict as a judge's 0; a passed one proves nothing, so only failures
 * count toward the quality signal.
 */
public enum AnswerCheck {
  /** No text at all. */
  EMPTY,
  /** Cut off by the model's length limit when the caller set none. */
  TRUNCATED,
  /** A loop: one short phrase making up much of the answer. */
  REPETITION,
  /** Answered in another language than the question was asked in. */
  LANGUAGE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The first of the enabled checks this answer fails, if any. */
  public static Optional<AnswerCheck> firstFailed(Set<AnswerCheck> enabled, ChatRequest request, ChatResponse response) {
    List<String> answerWords = null; // split once, and only when a check needs it: this runs on every answer
    for (AnswerCheck check : values()) {
      if (!enabled.contains(check)) {
        continue;
      }
      if ((check == REPETITION || check == LANGUAGE) && answerWords == null) {
        answerWords = words(response.content());
      }
      if (check.fails(request, response, answerWords)) {
        return Optional.of(check);
      }
    }
    return Optional.empty();
  }

  private boolean fails(ChatRequest request, ChatResponse response, List<String> answerWords) {
    return switch (this) {
      case EMPTY -> response.content().isBlank();
      case TRUNCATED -> response.finishReason() == FinishReason.LENGTH && request.maxTokens().isEmpty();
      case REPETITION -> repetitive(answerWords);
      case LANGUAGE -> otherLanguage(words(request.lastUserText()), answerWords);
    };
  }

  static final int LOOP_MIN_WORDS = 12;

  /**
   * A three-word phrase that recurs five times or more and covers at least 40% of the answer. Phrases
   * are compared by a 64-bit hash of their words, sorted and counted in runs: no map and no boxing on a
   * path every answer takes (a false match would need five colliding phrases).
   */
  static boolean repetitive(List<String> words) {
    if (words.size() < LOOP_MIN_WORDS) {
      return false;
    }
    long[] trigrams = new long[words.size() - 2];
    for (int i = 0; i < trigrams.length; i++) {
      trigrams[i] = (words.get(i).hashCode() * 0x9E3779B97F4A7C15L) ^ (words.get(i + 1).hashCode() * 0xC2B2AE3D27D4EB4FL)
          ^ Long.rotateLeft(words.get(i + 2).hashCode() * 0x165667B19E3779F9L, 31);
    }
    Arrays.sort(trigrams);
    int top = 0;
    for (int i = 0, run = 0; i < trigrams.length; i++) {
      run = i > 0 && trigrams[i] == trigrams[i - 1] ? run + 1 : 1;
      top = Math.max(top, run);
    }
    return top >= 5 && top * 3.0 / words.size() >= 0.4;
  }

  /** Function words of a few languages: enough to tell which one a text of a dozen words is in. */
  private static final Map<String, Set<String>> FUNCTION_WORDS = Map.of(
      "en", Set.of("the", "and", "of", "to", "in", "is", "was", "for", "that", "with", "on", "are", "it", "as", "by", "from", "after", "a"),
      "de", Set.of("der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "auf", "für", "den", "von", "zu", "im"),
      "fr", Set.of("le", "la", "les", "et", "est", "des", "une", "un", "du", "pour", "dans", "que", "qui", "sur", "pas"),
      "es", Set.of("el", "los", "las", "y", "es", "del", "una", "por", "para", "con", "que", "en", "se", "no", "al"),
      "fi", Set.of("ja", "on", "ei", "se", "että", "joka", "mutta", "kuin", "tämä", "oli", "ovat", "myös", "sen", "niin", "lainkaan"),
      "it", Set.of("il", "lo", "gli", "e", "è", "di", "che", "per", "non", "una", "sono", "della", "con", "nel", "anche"),
      "pt", Set.of("o", "os", "as", "e", "é", "do", "da", "que", "não", "uma", "para", "com", "em", "dos", "mas"));

  /** Both texts long enough to tell, each clearly in one language, and not the same one. */
  static boolean otherLanguage(List<String> question, List<String> answer) {
    Optional<String> answered = language(answer);
    if (answered.isEmpty()) {
      return false;
    }
    Optional<String> asked = language(question);
    return asked.isPresent() && !asked.get().equals(answered.get());
  }

  static Optional<String> language(List<String> words) {
    if (words.size() < 8) {
      return Optional.empty();
    }
    String best = null;
    int bestHits = 0;
    int secondHits = 0;
    for (Map.Entry<String, Set<String>> lang : FUNCTION_WORDS.entrySet()) {
      int hits = 0;
      for (String w : words) {
        if (lang.getValue().contains(w)) {
          hits++;
        }
      }
      if (hits > bestHits) {
        secondHits = bestHits;
        bestHits = hits;
        best = lang.getKey();
      } else if (hits > secondHits) {
        secondHits = hits;
      }
    }
    // Clearly one language: enough function words of it, and well ahead of the runner-up.
    return bestHits >= 2 && bestHits >= 2 * secondHits ? Optional.of(best) : Optional.empty();
  }

  /** The text's words, lower case: runs of letters and numbers. */
  static List<String> words(String text) {
    String lower = text.toLowerCase(Locale.ROOT); // the same string when it has no capitals: one copy at most
    List<String> words = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= lower.length(); ) {
      int c = i < lower.length() ? lower.codePointAt(i) : ' ';
      boolean inWord = Character.isLetter(c) || isNumber(c);
      if (inWord && start < 0) {
        start = i;
      } else if (!inWord && start >= 0) {
        words.add(lower.substring(start, i));
        start = -1;
      }
      i += i < lower.length() ? Character.charCount(c) : 1;
    }
    return words;
  }

  private static boolean isNumber(int c) {
    int type = Character.getType(c);
    return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
  }
}
