package dev.airbag.simulator;

/**
 * What the simulator needs of a request, whatever its wire format.
 *
 * @param prompt all message text, for token counting
 * @param question the last user message, which the answer addresses
 */
record SimRequest(
    String model, String prompt, String question, boolean stream, boolean includeUsage) {

  /** A rough token count (4 characters a token), as good as a simulator needs. */
  int promptTokens() {
    return Math.max(1, (prompt.length() + 3) / 4);
  }
}
