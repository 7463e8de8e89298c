package dev.airbag.core.quality;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks that need no model, run on every answer: each names a way an HTTP 200 can still be
 * garbage. A failed check is as sure a verdict as a judge's 0; a passed one proves nothing, so only
 * failures count toward the quality signal.
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
  public static Optional<AnswerCheck> firstFailed(
      Set<AnswerCheck> enabled, ChatRequest request, ChatResponse response) {
    long[] answerWords =
        null; // split once, and only when a check needs it: this runs on every answer
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

  private boolean fails(ChatRequest request, ChatResponse response, long[] answerWords) {
    return switch (this) {
      case EMPTY -> response.content().isBlank();
      case TRUNCATED ->
          response.finishReason() == FinishReason.LENGTH && request.maxTokens().isEmpty();
      case REPETITION -> repetitive(answerWords);
      case LANGUAGE -> otherLanguage(words(request.lastUserText(), QUESTION_WORDS), answerWords);
    };
  }

  static final int LOOP_MIN_WORDS = 12;

  /**
   * Words of the question read to tell its language: plenty for that, and a long prompt costs no
   * more.
   */
  static final int QUESTION_WORDS = 200;

  /**
   * A three-word phrase that recurs five times or more and covers at least 40% of the answer.
   * Phrases are compared by a 64-bit hash of their words' hashes, sorted and counted in runs: no
   * map and no boxing on a path every answer takes (a false match would need five colliding
   * phrases).
   */
  static boolean repetitive(long[] words) {
    if (words.length < LOOP_MIN_WORDS) {
      return false;
    }
    long[] trigrams = new long[words.length - 2];
    for (int i = 0; i < trigrams.length; i++) {
      trigrams[i] =
          (words[i] * 0x9E3779B97F4A7C15L)
              ^ (words[i + 1] * 0xC2B2AE3D27D4EB4FL)
              ^ Long.rotateLeft(words[i + 2] * 0x165667B19E3779F9L, 31);
    }
    Arrays.sort(trigrams);
    int top = 0;
    for (int i = 0, run = 0; i < trigrams.length; i++) {
      run = i > 0 && trigrams[i] == trigrams[i - 1] ? run + 1 : 1;
      top = Math.max(top, run);
    }
    return top >= 5 && top * 3.0 / words.length >= 0.4;
  }

  /**
   * Languages told apart, and function words of each: enough to tell which one a text of a dozen
   * words is in.
   */
  private static final List<String> LANGUAGES = List.of("en", "de", "fr", "es", "fi", "it", "pt");

  private static final List<List<String>> FUNCTION_WORDS =
      List.of(
          List.of(
              "the", "and", "of", "to", "in", "is", "was", "for", "that", "with", "on", "are", "it",
              "as", "by", "from", "after", "a"),
          List.of(
              "der", "die", "das", "und", "ist", "nicht", "ein", "eine", "mit", "auf", "für", "den",
              "von", "zu", "im"),
          List.of(
              "le", "la", "les", "et", "est", "des", "une", "un", "du", "pour", "dans", "que",
              "qui", "sur", "pas"),
          List.of(
              "el", "los", "las", "y", "es", "del", "una", "por", "para", "con", "que", "en", "se",
              "no", "al"),
          List.of(
              "ja",
              "on",
              "ei",
              "se",
              "että",
              "joka",
              "mutta",
              "kuin",
              "tämä",
              "oli",
              "ovat",
              "myös",
              "sen",
              "niin",
              "lainkaan"),
          List.of(
              "il", "lo", "gli", "e", "è", "di", "che", "per", "non", "una", "sono", "della", "con",
              "nel", "anche"),
          List.of(
              "o", "os", "as", "e", "é", "do", "da", "que", "não", "uma", "para", "com", "em",
              "dos", "mas"));

  /**
   * Every function word's hash, sorted, and beside each the languages it belongs to (bit i:
   * LANGUAGES[i]).
   */
  private static final long[] FUNCTION_HASHES;

  private static final int[] FUNCTION_LANGUAGES;

  static {
    TreeMap<Long, Integer> table = new TreeMap<>();
    for (int lang = 0; lang < LANGUAGES.size(); lang++) {
      for (String word : FUNCTION_WORDS.get(lang)) {
        table.merge(hash(word), 1 << lang, (a, b) -> a | b);
      }
    }
    FUNCTION_HASHES = table.keySet().stream().mapToLong(Long::longValue).toArray();
    FUNCTION_LANGUAGES = table.values().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Both texts long enough to tell, each clearly in one language, and not the same one. */
  static boolean otherLanguage(long[] question, long[] answer) {
    Optional<String> answered = language(answer);
    if (answered.isEmpty()) {
      return false;
    }
    Optional<String> asked = language(question);
    return asked.isPresent() && !asked.get().equals(answered.get());
  }

  static Optional<String> language(long[] words) {
    if (words.length < 8) {
      return Optional.empty();
    }
    int[] hits = new int[LANGUAGES.size()];
    for (long w : words) {
      int at = Arrays.binarySearch(FUNCTION_HASHES, w);
      for (int langs = at >= 0 ? FUNCTION_LANGUAGES[at] : 0; langs != 0; langs &= langs - 1) {
        hits[Integer.numberOfTrailingZeros(langs)]++;
      }
    }
    int best = 0;
    int secondHits = 0;
    for (int lang = 1; lang < hits.length; lang++) {
      if (hits[lang] > hits[best]) {
        secondHits = hits[best];
        best = lang;
      } else if (hits[lang] > secondHits) {
        secondHits = hits[lang];
      }
    }
    // Clearly one language: enough function words of it, and well ahead of the runner-up.
    return hits[best] >= 2 && hits[best] >= 2 * secondHits
        ? Optional.of(LANGUAGES.get(best))
        : Optional.empty();
  }

  /**
   * The text's words (runs of letters and numbers), each as the {@link #hash} of its lower case: a
   * String per word was most of what the checks allocated, on every answer.
   */
  static long[] words(String text) {
    return words(text, Integer.MAX_VALUE);
  }

  /** The first {@code max} of the text's {@link #words(String) words}. */
  static long[] words(String text, int max) {
    long[] words = new long[16];
    int count = 0;
    long hash = FNV_OFFSET;
    boolean inWord = false;
    for (int i = 0; i < text.length() && count < max; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (isWordChar(c)) {
        hash = (hash ^ lowerCase(c)) * FNV_PRIME;
        inWord = true;
      } else if (inWord) {
        if (count == words.length) {
          words = Arrays.copyOf(words, count * 2);
        }
        words[count++] = hash;
        hash = FNV_OFFSET;
        inWord = false;
      }
    }
    if (inWord && count < max) {
      if (count == words.length) {
        words = Arrays.copyOf(words, count + 1);
      }
      words[count++] = hash;
    }
    return count == words.length ? words : Arrays.copyOf(words, count);
  }

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** A word's 64-bit FNV-1a hash over its lower-case code points, as {@link #words} makes them. */
  static long hash(String word) {
    long hash = FNV_OFFSET;
    for (int i = 0; i < word.length(); ) {
      int c = word.codePointAt(i);
      i += Character.charCount(c);
      hash = (hash ^ lowerCase(c)) * FNV_PRIME;
    }
    return hash;
  }

  /**
   * A letter or a number; ASCII without Character's tables, which most answers are mostly made of.
   */
  private static boolean isWordChar(int c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return Character.isLetter(c) || isNumber(c);
  }

  private static int lowerCase(int c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }
    return Character.toLowerCase(c);
  }

  private static boolean isNumber(int c) {
    int type = Character.getType(c);
    return type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }
}
