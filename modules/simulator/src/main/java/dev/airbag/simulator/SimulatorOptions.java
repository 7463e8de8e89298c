package dev.airbag.simulator;

/**
 * How a simulator starts.
 *
 * @param port 0 picks a free port
 * @param apiKey when set, a request presenting any other key is refused as a real provider would
 * @param seed seeds which requests a fractional fault hits and which garbage is chosen
 * @param chunkDelayMillis pause between streamed chunks (0: send the stream at once)
 */
public record SimulatorOptions(
    String host, int port, String apiKey, long seed, long chunkDelayMillis) {

  public static SimulatorOptions loopback() {
    return new SimulatorOptions("127.0.0.1", 0, null, 42, 0);
  }

  public SimulatorOptions withPort(int p) {
    return new SimulatorOptions(host, p, apiKey, seed, chunkDelayMillis);
  }

  public SimulatorOptions withApiKey(String key) {
    return new SimulatorOptions(host, port, key, seed, chunkDelayMillis);
  }
}
