package dev.airbag.providers;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Incremental Server-Sent Events parser: feed it the body as it arrives, in pieces cut anywhere, and it
 * calls back once per complete event. Handles {@code \n} and {@code \r\n}, multi-line {@code data},
 * and comment lines. Not thread-safe: one per stream.
 */
public final class SseParser {

  /** Receives each complete event. */
  @FunctionalInterface
  public interface EventHandler {
    void onEvent(String event, String data);
  }

  private final EventHandler handler;
  private final StringBuilder pending = new StringBuilder();
  private String event;
  private StringBuilder data;

  public SseParser(EventHandler handler) {
    this.handler = handler;
  }

  public void feed(Buffer chunk) {
    pending.append(chunk.toString(StandardCharsets.UTF_8));
    int start = 0;
    for (int i = 0; i < pending.length(); i++) {
      if (pending.charAt(i) == '\n') {
        int end = i > start && pending.charAt(i - 1) == '\r' ? i - 1 : i;
        line(pending.substring(start, end));
        start = i + 1;
      }
    }
    pending.delete(0, start);
  }

  /** The body ended: an event not closed by a blank line is still delivered, as browsers do. */
  public void end() {
    if (!pending.isEmpty()) {
      line(pending.toString());
      pending.setLength(0);
    }
    dispatch();
  }

  private void line(String line) {
    if (line.isEmpty()) {
      dispatch();
      return;
    }
    if (line.charAt(0) == ':') {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("event")) {
      event = value;
    } else if (field.equals("data")) {
      if (data == null) {
        data = new StringBuilder(value);
      } else {
        data.append('\n').append(value);
      }
    }
  }

  private void dispatch() {
    if (data != null) {
      handler.onEvent(event, data.toString());
    }
    event = null;
    data = null;
  }
}
