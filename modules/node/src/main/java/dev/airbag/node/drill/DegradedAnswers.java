package dev.airbag.node.drill;

import dev.airbag.core.chat.ChatResponse;
import java.util.SplittableRandom;

/**
 * A quality drill's garbage: fluent, plausible-looking English about nothing the question asked, of
 * about the answer's length. It passes the cheap checks (not empty, not a loop, the question's
 * language), so only a judge can tell, which is the failure a quality drill rehearses. Seeded: a
 * drill's run repeats.
 */
public final class DegradedAnswers {

  private static final String[] SUBJECTS = {
    "the harbour",
    "a quiet orchard",
    "the old lighthouse",
    "our neighbour's cat",
    "the night train",
    "a paper kite",
    "the village choir",
    "a copper kettle",
    "the winter market",
    "a blue bicycle"
  };
  private static final String[] VERBS = {
    "drifted past",
    "waited beside",
    "sang about",
    "leaned against",
    "forgot",
    "painted",
    "carried",
    "circled",
    "admired",
    "ignored"
  };
  private static final String[] OBJECTS = {
    "the morning fog",
    "a basket of plums",
    "the crooked fence",
    "an empty bench",
    "the last ferry",
    "a pile of letters",
    "the garden wall",
    "a silver spoon",
    "the rainy square",
    "a row of lanterns"
  };
  private static final String[] TAILS = {
    "for a while",
    "in the afternoon",
    "with some care",
    "as usual",
    "after the storm",
    "on the way home",
    "before supper",
    "at dusk",
    "without a word",
    "near the river"
  };

  private DegradedAnswers() {}

  public static ChatResponse answer(ChatResponse real, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ real.content().hashCode());
    int words = Math.max(20, real.content().split("\\s+").length);
    StringBuilder text = new StringBuilder();
    while (text.length() / 6 < words) {
      String sentence =
          pick(random, SUBJECTS)
              + " "
              + pick(random, VERBS)
              + " "
              + pick(random, OBJECTS)
              + " "
              + pick(random, TAILS)
              + ". ";
      text.append(Character.toUpperCase(sentence.charAt(0))).append(sentence, 1, sentence.length());
    }
    return new ChatResponse(
        real.id(), real.model(), text.toString().trim(), real.finishReason(), real.usage());
  }

  private static String pick(SplittableRandom random, String[] words) {
    return words[random.nextInt(words.length)];
  }
}
