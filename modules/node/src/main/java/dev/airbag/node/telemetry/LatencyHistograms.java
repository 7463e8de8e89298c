package dev.airbag.node.telemetry;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms as they travel between nodes and rest in the cluster: compressed, in base64.
 */
public final class LatencyHistograms {

  /** The longest latency recorded, in microseconds; longer ones count as this. */
  public static final long MAX_MICROS = 600_000_000L;

  private LatencyHistograms() {}

  public static Histogram empty() {
    return new Histogram(MAX_MICROS, 2);
  }

  public static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
  }

  public static Histogram decode(String base64) {
    try {
      return Histogram.decodeFromCompressedByteBuffer(
          ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("a latency histogram is corrupt", e);
    }
  }

  /** The value at {@code percentile} in milliseconds, to 0.1 ms. */
  public static double millis(Histogram h, double percentile) {
    return Math.round(h.getValueAtPercentile(percentile) / 100.0) / 10.0;
  }
}
