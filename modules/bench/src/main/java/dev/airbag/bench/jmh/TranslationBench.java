package dev.airbag.bench.jmh;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.config.Deployment;
import dev.airbag.providers.WireFormats;
import dev.airbag.providers.http.ProviderException;
import dev.airbag.providers.http.StreamSink;
import dev.airbag.providers.http.WireAdapter;
import dev.airbag.providers.openai.OpenAiJson;
import dev.airbag.providers.sse.SseParser;
import dev.airbag.simulator.Simulator;
import dev.airbag.simulator.SimulatorOptions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The translations on every request, per wire format: the caller's OpenAI body into the canonical
 * request and out as the provider's body; the provider's answer back to OpenAI's; and a provider's
 * SSE stream parsed, decoded and re-encoded as OpenAI chunks. The provider payloads are captured
 * from the simulator, which speaks each provider's real wire format.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TranslationBench {

  @Param({"openai", "anthropic", "gemini"})
  public String provider;

  private Buffer callerBody;
  private Deployment deployment;
  private WireAdapter adapter;
  private Buffer answer;
  private Buffer stream;

  @Setup
  public void setUp() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Simulator sim = get(Simulator.start(vertx, SimulatorOptions.loopback()));
      deployment =
          Fixtures.config(sim.baseUrl()).deployments().stream()
              .filter(d -> d.id().equals("bench-" + provider))
              .findFirst()
              .orElseThrow();
      adapter = WireFormats.adapterFor(deployment.provider());
      callerBody =
          new JsonObject()
              .put("model", "bench-" + provider)
              .put(
                  "messages",
                  new JsonArray()
                      .add(new JsonObject().put("role", "system").put("content", "Answer briefly."))
                      .add(new JsonObject().put("role", "user").put("content", Fixtures.QUESTION)))
              .put("max_tokens", 256)
              .toBuffer();
      HttpClient http = vertx.createHttpClient();
      answer = capture(http, false);
      stream = capture(http, true);
    } finally {
      get(vertx.close());
    }
  }

  private Buffer capture(HttpClient http, boolean streamed) throws Exception {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().set("content-type", "application/json");
    adapter.headers(deployment, headers);
    ChatRequest request = OpenAiJson.request(callerBody).chat();
    Buffer body = adapter.body(request, deployment, streamed);
    return get(
        http.request(
                new RequestOptions()
                    .setMethod(HttpMethod.POST)
                    .setAbsoluteURI(adapter.url(deployment, streamed))
                    .setHeaders(headers))
            .compose(req -> req.send(body))
            .compose(resp -> resp.body()));
  }

  @Benchmark
  public Buffer requestToProvider() {
    ChatRequest request = OpenAiJson.request(callerBody).chat();
    return adapter.body(request, deployment, false);
  }

  @Benchmark
  public Buffer responseToCaller() {
    ChatResponse response = adapter.response(answer);
    return OpenAiJson.appendCompletion(
        Buffer.buffer(512), response, deployment.id(), 1_800_000_000L);
  }

  @Benchmark
  public void streamReencoded(Blackhole out) {
    reencode(out::consume);
  }

  /**
   * Parses the captured stream, decodes each event and re-encodes each chunk as OpenAI's SSE line.
   */
  void reencode(Consumer<Buffer> out) {
    WireAdapter.StreamDecoder decoder = adapter.newStreamDecoder();
    boolean[] first = {true};
    boolean[] ended = {false};
    StreamSink sink =
        new StreamSink() {
          @Override
          public void chunk(ChatChunk chunk) {
            out.accept(
                OpenAiJson.appendChunkEvent(
                    Buffer.buffer(256),
                    "chatcmpl-1",
                    deployment.id(),
                    1_800_000_000L,
                    chunk,
                    first[0]));
            first[0] = false;
          }

          @Override
          public void end() {
            ended[0] = true;
          }

          @Override
          public void fail(ProviderException failure) {
            throw failure;
          }
        };
    SseParser parser = new SseParser((event, data) -> decoder.onEvent(event, data, sink));
    parser.feed(stream);
    parser.end();
    if (!ended[0]) {
      decoder.onBodyEnd(sink); // Gemini's stream ends with its body
    }
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
