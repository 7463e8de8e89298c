package dev.airbag.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * What the simulated provider does wrong, set at run time through {@code POST /_sim/fault} or
 * {@link Simulator#fault(Fault)}. A fault fires for {@code fraction} of requests; the rest are
 * healthy.
 *
 * @param status the status of {@link Mode#ERROR} (default 503)
 * @param retryAfterSeconds the {@code retry-after} of {@link Mode#RATE_LIMIT}
 * @param delayMillis how late {@link Mode#SLOW} answers
 * @param afterChunks content chunks {@link Mode#STREAM_CUT} sends before closing the connection,
 *     and {@link Mode#HANG} sends on a streamed request before holding it open without another byte
 *     (0: none); for {@link Mode#LONG}, how many chunks its answer streams (0: {@link
 *     #LONG_CHUNKS})
 * @param limitTokens prompts over this many tokens get the provider's context-window error
 * @param garbage the kinds of nonsense {@link Mode#STUPID} picks from
 */
public record Fault(
    Mode mode,
    double fraction,
    int status,
    int retryAfterSeconds,
    long delayMillis,
    int afterChunks,
    int limitTokens,
    List<Garbage> garbage) {

  public enum Mode {
    HEALTHY,
    ERROR,
    RATE_LIMIT,
    HANG,
    SLOW,
    RESET,
    BAD_KEY,
    CONTEXT_LIMIT,
    STREAM_CUT,
    /** Answers 200 at normal latency with fluent garbage: the failure only a judge notices. */
    STUPID,
    /**
     * Streams a healthy answer of {@code after_chunks} chunks (about 50 bytes of text each), as
     * fast as its reader takes it: what a slow or stalled reader of a long answer does to a
     * gateway.
     */
    LONG
  }

  /**
   * The chunks of a {@link Mode#LONG} answer unless {@code after_chunks} says otherwise: ~25 MB.
   */
  public static final int LONG_CHUNKS = 500_000;

  /** The shapes of a silently stupid answer. */
  public enum Garbage {
    OFF_TOPIC,
    EMPTY,
    TRUNCATED,
    WRONG_LANGUAGE
  }

  public static final Fault HEALTHY = of(Mode.HEALTHY);

  public static Fault of(Mode mode) {
    return new Fault(mode, 1.0, 503, 1, 1_000, 0, 1_000, List.of(Garbage.values()));
  }

  public static Fault error(int status) {
    return of(Mode.ERROR).withStatus(status);
  }

  public Fault withStatus(int s) {
    return new Fault(
        mode, fraction, s, retryAfterSeconds, delayMillis, afterChunks, limitTokens, garbage);
  }

  public Fault withFraction(double f) {
    return new Fault(
        mode, f, status, retryAfterSeconds, delayMillis, afterChunks, limitTokens, garbage);
  }

  public Fault withRetryAfter(int seconds) {
    return new Fault(
        mode, fraction, status, seconds, delayMillis, afterChunks, limitTokens, garbage);
  }

  public Fault withDelay(long millis) {
    return new Fault(
        mode, fraction, status, retryAfterSeconds, millis, afterChunks, limitTokens, garbage);
  }

  public Fault withAfterChunks(int chunks) {
    return new Fault(
        mode, fraction, status, retryAfterSeconds, delayMillis, chunks, limitTokens, garbage);
  }

  public Fault withLimitTokens(int tokens) {
    return new Fault(
        mode, fraction, status, retryAfterSeconds, delayMillis, afterChunks, tokens, garbage);
  }

  public Fault withGarbage(List<Garbage> kinds) {
    return new Fault(
        mode,
        fraction,
        status,
        retryAfterSeconds,
        delayMillis,
        afterChunks,
        limitTokens,
        List.copyOf(kinds));
  }

  /**
   * Reads the control API's JSON: {@code {"mode":"error","status":500,"fraction":0.3}}; absent
   * fields keep defaults.
   */
  public static Fault fromJson(JsonObject json) {
    String modeName = json.getString("mode", "healthy");
    Mode mode;
    try {
      mode = Mode.valueOf(modeName.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown mode '"
              + modeName
              + "'; modes: "
              + String.join(
                  ", ",
                  java.util.Arrays.stream(Mode.values())
                      .map(m -> m.name().toLowerCase(Locale.ROOT))
                      .toList()));
    }
    Fault f = of(mode);
    double fraction = json.getDouble("fraction", f.fraction);
    if (fraction < 0 || fraction > 1) {
      throw new IllegalArgumentException("fraction must be between 0 and 1");
    }
    List<Garbage> kinds = f.garbage;
    JsonArray g = json.getJsonArray("garbage");
    if (g != null) {
      kinds = g.stream().map(o -> Garbage.valueOf(o.toString().toUpperCase(Locale.ROOT))).toList();
    }
    return new Fault(
        mode,
        fraction,
        json.getInteger("status", f.status),
        json.getInteger("retry_after", f.retryAfterSeconds),
        json.getLong("delay_ms", f.delayMillis),
        json.getInteger("after_chunks", f.afterChunks),
        json.getInteger("limit_tokens", f.limitTokens),
        kinds);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("mode", mode.name().toLowerCase(Locale.ROOT))
        .put("fraction", fraction)
        .put("status", status)
        .put("retry_after", retryAfterSeconds)
        .put("delay_ms", delayMillis)
        .put("after_chunks", afterChunks)
        .put("limit_tokens", limitTokens)
        .put(
            "garbage",
            new JsonArray(garbage.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList()));
  }
}
