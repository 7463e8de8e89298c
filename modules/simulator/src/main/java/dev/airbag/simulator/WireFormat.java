package dev.airbag.simulator;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One provider's wire protocol as the simulator speaks it: request parsing, answers, stream events,
 * errors.
 */
interface WireFormat {

  String name();

  /**
   * Parses and validates a request body the way the real provider would; throws {@link BadRequest}
   * if it would refuse it.
   */
  SimRequest parse(HttpServerRequest request, JsonObject body);

  /** The key the request presents, from wherever this provider expects it. */
  String presentedKey(HttpServerRequest request);

  JsonObject completion(SimRequest request, Answer answer);

  /**
   * The whole SSE stream as separate events, each a complete {@code event:}/{@code data:} block.
   */
  List<String> streamEvents(SimRequest request, Answer answer);

  /** How many leading events of {@link #streamEvents} come before the first content. */
  int preambleEvents();

  /**
   * The HTTP status the provider answers an error with; OpenAI's and Anthropic's mapping by
   * default.
   */
  default int status(ErrorKind kind, int serverStatus) {
    return switch (kind) {
      case AUTH -> 401;
      case RATE_LIMIT -> 429;
      case SERVER -> serverStatus;
      case CONTEXT, INVALID -> 400;
    };
  }

  JsonObject error(ErrorKind kind, String message);

  enum ErrorKind {
    AUTH,
    RATE_LIMIT,
    SERVER,
    CONTEXT,
    INVALID
  }

  /** A request the real provider would refuse with a 400. */
  final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadRequest(String message) {
      super(message, null, false, false);
    }
  }

  /** Splits an answer into the word-sized pieces a provider streams. */
  static List<String> pieces(String text) {
    List<String> out = new java.util.ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == ' ') {
        out.add(text.substring(start, i));
        start = i;
      }
    }
    return out;
  }

  static String sse(String event, JsonObject data) {
    return (event == null ? "" : "event: " + event + "\n") + "data: " + data.encode() + "\n\n";
  }
}
