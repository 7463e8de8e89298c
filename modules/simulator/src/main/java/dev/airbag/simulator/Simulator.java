package dev.airbag.simulator;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fake LLM provider on a loopback port that speaks OpenAI, Anthropic and Gemini wire formats and
 * misbehaves on command. Control API: {@code POST /_sim/fault} (a {@link Fault} as JSON), {@code
 * POST /_sim/reset}, {@code GET /_sim/stats}.
 */
public final class Simulator {

  /** A request as the simulator received it, for tests that check what went over the wire. */
  public record Received(String format, String path, MultiMap headers, JsonObject body) {}

  private final SimulatorOptions options;
  private final Vertx vertx;
  private final Random random;
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.HEALTHY);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong faultsServed = new AtomicLong();

  /** Requests refused for presenting a key other than the configured one. */
  private final AtomicLong keysRefused = new AtomicLong();

  /**
   * TCP connections accepted and closed since start (not zeroed by a reset): how callers' pools
   * come and go.
   */
  private final AtomicLong connectionsAccepted = new AtomicLong();

  private final AtomicLong connectionsClosed = new AtomicLong();
  private final AtomicLong longStreamsCompleted = new AtomicLong();
  private final AtomicLong longStreamsAbandoned = new AtomicLong();
  private final AtomicReference<String> lastTraceparent = new AtomicReference<>();
  private final Map<String, AtomicLong> byFormat = new ConcurrentHashMap<>();
  private final AtomicReference<Received> lastReceived = new AtomicReference<>();
  private HttpServer server;

  private Simulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.random = new Random(options.seed());
  }

  public static Future<Simulator> start(Vertx vertx, SimulatorOptions options) {
    Simulator sim = new Simulator(vertx, options);
    return sim.listen().map(sim);
  }

  private Future<HttpServer> listen() {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(64L * 1024 * 1024));
    WireFormat openai = new OpenAiFormat();
    router.post("/v1/chat/completions").handler(ctx -> serve(ctx, openai));
    router.post("/chat/completions").handler(ctx -> serve(ctx, openai));
    router.post("/v1/messages").handler(ctx -> serve(ctx, new AnthropicFormat()));
    router.post("/v1beta/models/*").handler(ctx -> serve(ctx, new GeminiFormat()));
    router.get("/_sim/stats").handler(ctx -> ctx.json(stats()));
    router
        .post("/_sim/fault")
        .handler(
            ctx -> {
              try {
                Fault f = Fault.fromJson(ctx.body().asJsonObject());
                fault(f);
                ctx.json(f.toJson());
              } catch (RuntimeException e) {
                ctx.response()
                    .setStatusCode(400)
                    .end(new JsonObject().put("error", String.valueOf(e.getMessage())).encode());
              }
            });
    router
        .post("/_sim/reset")
        .handler(
            ctx -> {
              reset();
              ctx.json(stats());
            });
    return vertx
        .createHttpServer()
        .connectionHandler(
            c -> {
              connectionsAccepted.incrementAndGet();
              c.closeHandler(v -> connectionsClosed.incrementAndGet());
            })
        .requestHandler(router)
        .listen(options.port(), options.host())
        .onSuccess(s -> server = s);
  }

  public int port() {
    return server.actualPort();
  }

  /**
   * {@code http://127.0.0.1:PORT}: the {@code api_base} for Anthropic and Gemini; add {@code /v1}
   * for OpenAI.
   */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public void fault(Fault f) {
    fault.set(f);
  }

  public Fault fault() {
    return fault.get();
  }

  /** Every request that reached a provider endpoint, whatever became of it. */
  public long requests() {
    return requests.get();
  }

  /**
   * The W3C {@code traceparent} header of the latest request, as a real provider's edge would log
   * it; null if none.
   */
  public String lastTraceparent() {
    return lastTraceparent.get();
  }

  public Received lastReceived() {
    return lastReceived.get();
  }

  /** TCP connections accepted since the simulator started. */
  public long connectionsAccepted() {
    return connectionsAccepted.get();
  }

  /** Accepted connections that have since closed, whichever side closed them. */
  public long connectionsClosed() {
    return connectionsClosed.get();
  }

  /** {@link Fault.Mode#LONG} streams sent to their end. */
  public long longStreamsCompleted() {
    return longStreamsCompleted.get();
  }

  /** {@link Fault.Mode#LONG} streams whose reader went away before their end. */
  public long longStreamsAbandoned() {
    return longStreamsAbandoned.get();
  }

  /** Requests refused since the last reset because they presented the wrong key. */
  public long keysRefused() {
    return keysRefused.get();
  }

  public void reset() {
    fault.set(Fault.HEALTHY);
    requests.set(0);
    faultsServed.set(0);
    keysRefused.set(0);
    byFormat.clear();
  }

  public JsonObject stats() {
    JsonObject formats = new JsonObject();
    byFormat.forEach((k, v) -> formats.put(k, v.get()));
    return new JsonObject()
        .put("requests", requests.get())
        .put("faults_served", faultsServed.get())
        .put("keys_refused", keysRefused.get())
        .put("connections_accepted", connectionsAccepted.get())
        .put("connections_closed", connectionsClosed.get())
        .put("by_format", formats)
        .put("fault", fault.get().toJson());
  }

  private void serve(RoutingContext ctx, WireFormat format) {
    requests.incrementAndGet();
    lastTraceparent.set(ctx.request().getHeader("traceparent"));
    byFormat.computeIfAbsent(format.name(), k -> new AtomicLong()).incrementAndGet();
    HttpServerRequest request = ctx.request();
    JsonObject body;
    try {
      body = ctx.body().asJsonObject();
      if (body == null) {
        throw new DecodeException("empty body");
      }
    } catch (DecodeException | ClassCastException e) {
      error(
          ctx,
          format,
          WireFormat.ErrorKind.INVALID,
          "We could not parse the JSON body of your request.",
          0);
      return;
    }
    lastReceived.set(
        new Received(
            format.name(),
            request.path(),
            MultiMap.caseInsensitiveMultiMap().addAll(request.headers()),
            body));
    if (options.apiKey() != null && !options.apiKey().equals(format.presentedKey(request))) {
      keysRefused.incrementAndGet();
      error(ctx, format, WireFormat.ErrorKind.AUTH, "invalid x-api-key", 0);
      return;
    }
    SimRequest sim;
    try {
      sim = format.parse(request, body);
    } catch (WireFormat.BadRequest e) {
      error(ctx, format, WireFormat.ErrorKind.INVALID, e.getMessage(), 0);
      return;
    }
    Fault f = fault.get();
    boolean fires;
    synchronized (random) {
      fires = f.mode() != Fault.Mode.HEALTHY && random.nextDouble() < f.fraction();
    }
    if (!fires) {
      answer(ctx, format, sim, healthy(sim), -1);
      return;
    }
    faultsServed.incrementAndGet();
    switch (f.mode()) {
      case ERROR ->
          error(
              ctx,
              format,
              WireFormat.ErrorKind.SERVER,
              f.status() == 529
                  ? "Overloaded"
                  : "The server had an error while processing your request.",
              f.status());
      case RATE_LIMIT -> {
        ctx.response().putHeader("retry-after", String.valueOf(f.retryAfterSeconds()));
        error(ctx, format, WireFormat.ErrorKind.RATE_LIMIT, "Rate limit reached for requests", 0);
      }
      case HANG -> { // accept the request and never answer; a stream with after_chunks sends those
        // first
        if (sim.stream() && f.afterChunks() > 0) {
          answer(ctx, format, sim, healthy(sim), f.afterChunks(), StreamEnd.HANG);
        }
      }
      case SLOW ->
          vertx.setTimer(
              Math.max(1, f.delayMillis()), t -> answer(ctx, format, sim, healthy(sim), -1));
      case RESET -> request.connection().close();
      case BAD_KEY -> error(ctx, format, WireFormat.ErrorKind.AUTH, "invalid x-api-key", 0);
      case CONTEXT_LIMIT -> {
        if (sim.promptTokens() > f.limitTokens()) {
          error(
              ctx,
              format,
              WireFormat.ErrorKind.CONTEXT,
              contextMessage(format, sim.promptTokens(), f.limitTokens()),
              0);
        } else {
          answer(ctx, format, sim, healthy(sim), -1);
        }
      }
      case STREAM_CUT -> answer(ctx, format, sim, healthy(sim), f.afterChunks());
      case STUPID -> {
        Fault.Garbage kind;
        synchronized (random) {
          kind = f.garbage().get(random.nextInt(f.garbage().size()));
        }
        answer(ctx, format, sim, Answer.garbage(kind, sim.question()), -1);
      }
      case LONG ->
          longAnswer(ctx, format, sim, f.afterChunks() > 0 ? f.afterChunks() : Fault.LONG_CHUNKS);
      case HEALTHY -> answer(ctx, format, sim, healthy(sim), -1);
    }
  }

  private static final String LONG_PIECE = " and the river kept rising past the old stone bridge";

  /**
   * A long answer, streamed as fast as the reader takes it (never more queued than the write
   * queue's high-water mark), or whole when not streamed. Its events are made as they go out.
   */
  private void longAnswer(RoutingContext ctx, WireFormat format, SimRequest sim, int chunks) {
    if (!sim.stream()) {
      answer(
          ctx,
          format,
          sim,
          Answer.of("Here is a long answer:" + LONG_PIECE.repeat(chunks), "length"),
          -1);
      return;
    }
    List<String> one = format.streamEvents(sim, Answer.of(LONG_PIECE, "length"));
    int preamble = format.preambleEvents();
    HttpServerResponse response = ctx.response();
    response
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    one.subList(0, preamble).forEach(response::write);
    int[] sent = {0};
    Runnable[] pump = new Runnable[1];
    pump[0] =
        () -> {
          while (sent[0] < chunks && !response.writeQueueFull()) {
            response.write(one.get(preamble));
            sent[0]++;
          }
          if (sent[0] < chunks) {
            response.drainHandler(v -> pump[0].run());
            return;
          }
          one.subList(preamble + 1, one.size()).forEach(response::write);
          response.end();
          longStreamsCompleted.incrementAndGet();
        };
    response.closeHandler(
        v -> {
          if (sent[0] < chunks) {
            longStreamsAbandoned.incrementAndGet();
          }
        });
    pump[0].run();
  }

  /** A healthy model answers the question; asked to grade, it grades. */
  private static Answer healthy(SimRequest sim) {
    return Answer.verdict(sim.prompt(), sim.question())
        .orElseGet(() -> Answer.healthy(sim.question()));
  }

  private static String contextMessage(WireFormat format, int tokens, int limit) {
    return switch (format.name()) {
      case "anthropic" -> "prompt is too long: " + tokens + " tokens > " + limit + " maximum";
      case "gemini" ->
          "The input token count ("
              + tokens
              + ") exceeds the maximum number of tokens allowed ("
              + limit
              + ").";
      default ->
          "This model's maximum context length is "
              + limit
              + " tokens. However, your messages resulted in "
              + tokens
              + " tokens. Please reduce the length of the messages.";
    };
  }

  private static void error(
      RoutingContext ctx,
      WireFormat format,
      WireFormat.ErrorKind kind,
      String message,
      int serverStatus) {
    ctx.response()
        .setStatusCode(format.status(kind, serverStatus))
        .putHeader("content-type", "application/json")
        .end(format.error(kind, message).encode());
  }

  /**
   * How a streamed answer ends after its last event: whole, its connection closed, or held open
   * forever.
   */
  private enum StreamEnd {
    WHOLE,
    CUT,
    HANG
  }

  /**
   * Sends the answer; {@code cutAfterChunks >= 0} closes the connection after that many content
   * chunks.
   */
  private void answer(
      RoutingContext ctx, WireFormat format, SimRequest sim, Answer answer, int cutAfterChunks) {
    answer(
        ctx,
        format,
        sim,
        answer,
        cutAfterChunks,
        cutAfterChunks >= 0 ? StreamEnd.CUT : StreamEnd.WHOLE);
  }

  private void answer(
      RoutingContext ctx,
      WireFormat format,
      SimRequest sim,
      Answer answer,
      int cutAfterChunks,
      StreamEnd end) {
    HttpServerResponse response = ctx.response();
    if (!sim.stream()) {
      String json = format.completion(sim, answer).encode();
      response.putHeader("content-type", "application/json");
      if (cutAfterChunks >= 0) {
        response.setChunked(true);
        response
            .write(json.substring(0, json.length() / 2))
            .onComplete(v -> ctx.request().connection().close());
      } else {
        response.end(json);
      }
      return;
    }
    List<String> events = format.streamEvents(sim, answer);
    int limit =
        cutAfterChunks < 0
            ? events.size()
            : Math.min(events.size(), format.preambleEvents() + cutAfterChunks);
    response
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    writeEvents(ctx, events, 0, limit, end);
  }

  private void writeEvents(
      RoutingContext ctx, List<String> events, int from, int limit, StreamEnd end) {
    HttpServerResponse response = ctx.response();
    if (from >= limit) {
      if (end == StreamEnd.CUT) {
        // Headers must be on the wire before the cut, so the client sees a stream that breaks, not
        // a refusal.
        (limit == 0 ? response.writeHead() : Future.<Void>succeededFuture())
            .onComplete(v -> ctx.request().connection().close());
      } else if (end == StreamEnd.WHOLE) {
        response.end();
      }
      return;
    }
    if (options.chunkDelayMillis() <= 0) {
      Future<Void> last = null;
      for (int i = from; i < limit; i++) {
        last = response.write(events.get(i));
      }
      last.onComplete(v -> writeEvents(ctx, events, limit, limit, end));
      return;
    }
    response.write(events.get(from));
    vertx.setTimer(options.chunkDelayMillis(), t -> writeEvents(ctx, events, from + 1, limit, end));
  }
}
