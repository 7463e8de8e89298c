package dev.airbag.providers.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Incremental Server-Sent Events parser: feed it the body as it arrives, in pieces cut anywhere,
 * and it calls back once per complete event. Handles {@code \n} and {@code \r\n}, multi-line {@code
 * data}, and comment lines. Not thread-safe: one per stream.
 */
public final class SseParser {

  /** Receives each complete event. */
  @FunctionalInterface
  public interface EventHandler {
    void onEvent(String event, String data);
  }

  private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);

  private final EventHandler handler;

  /**
   * Bytes received and not yet parsed into lines: kept as bytes, so a character cut between reads
   * stays whole.
   */
  private byte[] pending = new byte[1024];

  private int length;

  /** Where the search for the next line's end resumes: what was scanned holds no newline. */
  private int scanned;

  private String event;
  private String data;
  private StringBuilder moreData;

  public SseParser(EventHandler handler) {
    this.handler = handler;
  }

  public void feed(Buffer chunk) {
    int n = chunk.length();
    if (length + n > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + n));
    }
    chunk.getBytes(0, n, pending, length);
    length += n;
    int start = 0;
    for (int i = scanned; i < length; i++) {
      if (pending[i] == '\n') { // never inside a multi-byte UTF-8 character
        line(start, i > start && pending[i - 1] == '\r' ? i - 1 : i);
        start = i + 1;
      }
    }
    System.arraycopy(pending, start, pending, 0, length - start);
    length -= start;
    scanned = length;
  }

  /** The body ended: an event not closed by a blank line is still delivered, as browsers do. */
  public void end() {
    if (length > 0) {
      line(0, length);
      length = 0;
      scanned = 0;
    }
    dispatch();
  }

  /** One line, {@code pending[from, to)}, without its line break. */
  private void line(int from, int to) {
    if (from == to) {
      dispatch();
      return;
    }
    if (pending[from] == ':') {
      return;
    }
    int colon = from;
    while (colon < to && pending[colon] != ':') {
      colon++;
    }
    int valueFrom = Math.min(colon + 1, to);
    if (valueFrom < to && pending[valueFrom] == ' ') {
      valueFrom++;
    }
    if (is(EVENT, from, colon)) {
      event = new String(pending, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
    } else if (is(DATA, from, colon)) {
      String value = new String(pending, valueFrom, to - valueFrom, StandardCharsets.UTF_8);
      if (data == null) {
        data = value; // one data line, as almost every event has: no builder
      } else {
        if (moreData == null) {
          moreData = new StringBuilder(data);
        }
        moreData.append('\n').append(value);
      }
    }
  }

  private boolean is(byte[] field, int from, int to) {
    return Arrays.equals(pending, from, to, field, 0, field.length);
  }

  private void dispatch() {
    if (data != null) {
      handler.onEvent(event, moreData != null ? moreData.toString() : data);
    }
    event = null;
    data = null;
    moreData = null;
  }
}
