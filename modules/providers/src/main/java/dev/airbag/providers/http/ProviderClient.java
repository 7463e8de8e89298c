package dev.airbag.providers.http;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.core.time.Clock;
import dev.airbag.providers.sse.SseParser;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls one deployment over HTTP in its own wire format, with a per-call timeout, and classifies
 * every way the call can end as an {@link Outcome}: failures arrive as a failed future holding a
 * {@link ProviderException}. Use it from one context (the event loop whose lane owns it).
 */
public final class ProviderClient {

  /**
   * After a connection is refused, calls fail at once for this long instead of connecting again:
   * nothing listening costs every call a connect, a channel and three exceptions inside Netty
   * (0.1-0.2 ms of the node's CPU), and a provider coming back up a storm of connects. Short beside
   * any breaker cooldown, so a recovery is seen within it; a breaker's probe connects regardless
   * ({@link #forgetRefusal()}).
   */
  public static final long REFUSAL_REMEMBERED_MILLIS = 100;

  private final Vertx vertx;
  private final HttpClient http;
  private final Clock clock;
  private final Deployment deployment;
  private final WireAdapter adapter;

  /** The provider's URL, parsed once: a plain and a streamed call may differ in path. */
  private final Endpoint plain;

  private final Endpoint streamed;
  private final TimeoutQueue deadlines;

  /** When a connection was last refused, while that is remembered. */
  private boolean refusalRemembered;

  private long refusedAtNanos;

  public ProviderClient(
      Vertx vertx, HttpClient http, Clock clock, Deployment deployment, WireAdapter adapter) {
    this.vertx = vertx;
    this.http = http;
    this.clock = clock;
    this.deployment = deployment;
    this.adapter = adapter;
    this.plain = Endpoint.of(adapter.url(deployment, false));
    this.streamed = Endpoint.of(adapter.url(deployment, true));
    this.deadlines = new TimeoutQueue(vertx, clock);
  }

  private record Endpoint(String host, int port, boolean ssl, String uri) {
    static Endpoint of(String url) {
      URI u = URI.create(url);
      boolean ssl = "https".equalsIgnoreCase(u.getScheme());
      String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
      return new Endpoint(
          u.getHost(),
          u.getPort() > 0 ? u.getPort() : ssl ? 443 : 80,
          ssl,
          u.getRawQuery() == null ? path : path + "?" + u.getRawQuery());
    }

    RequestOptions options() {
      return new RequestOptions().setHost(host).setPort(port).setSsl(ssl).setURI(uri);
    }
  }

  /**
   * How long a pooled connection to a provider may sit idle before it is closed: 10 s, between the
   * OpenAI and Anthropic SDKs' 5 s (httpx) and aiohttp's 15 s. Shorter than it was (30 s) because
   * Vert.x's pool picks a connection by walking every pooled one: the extra connections a burst
   * opens cost each later call until they idle out.
   */
  public static final int KEEP_ALIVE_SECONDS = 10;

  /**
   * A keep-alive client pool sized for a gateway: many concurrent calls per provider host. A TCP
   * connect gives up after 10 s; the per-call timeout of each call bounds the whole call anyway.
   */
  public static HttpClient newHttpClient(Vertx vertx) {
    return vertx.createHttpClient(clientOptions(), poolOptions());
  }

  static HttpClientOptions clientOptions() {
    return new HttpClientOptions()
        .setKeepAlive(true)
        .setTcpNoDelay(true)
        .setKeepAliveTimeout(KEEP_ALIVE_SECONDS)
        .setConnectTimeout(10_000);
  }

  static PoolOptions poolOptions() {
    return new PoolOptions().setHttp1MaxSize(512);
  }

  /** One non-streamed call; fails with a classified {@link ProviderException}. */
  public Future<ChatResponse> complete(ChatRequest request, long timeoutMillis) {
    return complete(request, timeoutMillis, Map.of());
  }

  /**
   * As {@link #complete(ChatRequest, long)}, sending {@code extraHeaders} too (a trace's {@code
   * traceparent}).
   */
  public Future<ChatResponse> complete(
      ChatRequest request, long timeoutMillis, Map<String, String> extraHeaders) {
    ProviderException refused = rememberedRefusal();
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    Call call = new Call(timeoutMillis);
    Promise<ChatResponse> result = Promise.promise();
    call.onTimeout(() -> result.tryFail(timeout(timeoutMillis)));
    send(request, false, call, extraHeaders)
        .compose(response -> response.body().map(body -> interpret(response, body)))
        .onComplete(
            ar -> {
              call.done();
              if (ar.succeeded()) {
                result.tryComplete(ar.result());
              } else {
                result.tryFail(classify(ar.cause()));
              }
            });
    return result.future();
  }

  /**
   * One streamed call. The future completes once the first token arrived, so a failure before it
   * (the only kind the caller can still hide by failing over) fails the future; a break after it
   * ends the stream with a failure. The timeout bounds the wait for the first token and every gap
   * after it.
   */
  public Future<ChatStream> stream(ChatRequest request, long timeoutMillis) {
    return stream(request, timeoutMillis, Map.of());
  }

  /**
   * As {@link #stream(ChatRequest, long)}, sending {@code extraHeaders} too (a trace's {@code
   * traceparent}).
   */
  public Future<ChatStream> stream(
      ChatRequest request, long timeoutMillis, Map<String, String> extraHeaders) {
    ProviderException refused = rememberedRefusal();
    if (refused != null) {
      return Future.failedFuture(refused);
    }
    Call call = new Call(timeoutMillis);
    Promise<ChatStream> first = Promise.promise();
    ChatStream stream = new ChatStream(call::reset);
    call.onIdle(
        () -> {
          ProviderException e = timeout(timeoutMillis);
          if (!first.tryFail(e)) {
            stream.finish(Future.failedFuture(e));
          }
        });
    StreamSink sink =
        new StreamSink() {
          @Override
          public void chunk(ChatChunk chunk) {
            stream.push(chunk);
            if (!chunk.text().isEmpty() || chunk.finishReason().isPresent()) {
              call.rearm();
              first.tryComplete(stream);
            }
          }

          @Override
          public void end() {
            call.done();
            if (!first.future().isComplete()) {
              first.tryFail(
                  new ProviderException(
                      Outcome.SERVER_ERROR, 200, "the stream ended without any content", -1));
            }
            stream.finish(ChatStream.succeeded());
          }

          @Override
          public void fail(ProviderException failure) {
            call.done();
            call.reset();
            if (!first.tryFail(failure)) {
              stream.finish(Future.failedFuture(failure));
            }
          }
        };
    send(request, true, call, extraHeaders)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                sink.fail(classify(ar.cause()));
                return;
              }
              HttpClientResponse response = ar.result();
              if (response.statusCode() / 100 != 2) {
                response
                    .body()
                    .onComplete(
                        body ->
                            sink.fail(
                                body.succeeded()
                                    ? error(
                                        response.statusCode(), response.headers(), body.result())
                                    : classify(body.cause())));
                return;
              }
              WireAdapter.StreamDecoder decoder = adapter.newStreamDecoder();
              SseParser parser =
                  new SseParser(
                      (event, data) -> {
                        if (stream.isEnded()) {
                          return;
                        }
                        try {
                          decoder.onEvent(event, data, sink);
                        } catch (DecodeException
                            | ClassCastException
                            | IndexOutOfBoundsException e) {
                          sink.fail(
                              new ProviderException(
                                  Outcome.SERVER_ERROR,
                                  200,
                                  "malformed stream event from the provider",
                                  -1));
                        }
                      });
              stream.flow(
                  () -> {
                    call.hold(true);
                    response.pause();
                  },
                  () -> {
                    call.hold(false);
                    response.resume();
                  });
              response.handler(parser::feed);
              response.exceptionHandler(e -> sink.fail(classify(e)));
              response.endHandler(
                  v -> {
                    parser.end();
                    if (!stream.isEnded()) {
                      decoder.onBodyEnd(sink);
                    }
                  });
            });
    return first.future();
  }

  private Future<HttpClientResponse> send(
      ChatRequest request, boolean stream, Call call, Map<String, String> extraHeaders) {
    try {
      return sendOrThrow(request, stream, call, extraHeaders);
    } catch (RuntimeException e) {
      // Whatever this deployment cannot even be called with (a header Vert.x refuses, say) is its
      // failure, and the request moves on: never the caller's 500.
      return Future.failedFuture(e);
    }
  }

  private Future<HttpClientResponse> sendOrThrow(
      ChatRequest request, boolean stream, Call call, Map<String, String> extraHeaders) {
    MultiMap headers =
        MultiMap.caseInsensitiveMultiMap()
            .set("content-type", "application/json")
            .set("accept", stream ? "text/event-stream" : "application/json");
    extraHeaders.forEach(headers::set);
    adapter.headers(deployment, headers);
    // No pool-wait timeout on the request (the call's own timeout covers the wait): Vert.x 5.1 arms
    // a timer for it whenever a request opens a connection or queues, and never cancels it, so
    // every call to a host refusing connections kept its request, context and exception alive for
    // the whole timeout.
    RequestOptions options =
        (stream ? streamed : plain).options().setMethod(HttpMethod.POST).setHeaders(headers);
    Buffer body = adapter.body(request, deployment, stream);
    return http.request(options)
        .compose(
            req -> {
              if (!call.attach(req)) {
                return Future.failedFuture(timeout(call.timeoutMillis));
              }
              return req.send(body);
            });
  }

  private ChatResponse interpret(HttpClientResponse response, Buffer body) {
    if (response.statusCode() / 100 != 2) {
      throw error(response.statusCode(), response.headers(), body);
    }
    try {
      return adapter.response(body);
    } catch (
        DecodeException
            e) { // every adapter reads its answer token by token and refuses a wrong shape so
      throw new ProviderException(
          Outcome.SERVER_ERROR,
          response.statusCode(),
          "the provider's answer was not in its documented shape",
          -1);
    }
  }

  private ProviderException error(int status, MultiMap headers, Buffer body) {
    JsonObject json = null;
    try {
      json = body.length() == 0 ? null : body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      // not JSON: a proxy's HTML page, say; fall back to the status
    }
    String raw = json == null ? null : adapter.errorMessage(json);
    String message =
        scrub(raw != null ? raw : "HTTP " + status + " from " + deployment.provider().prefix());
    Outcome outcome;
    if (status == 401 || status == 403) {
      outcome = Outcome.AUTH_FAILURE;
    } else if (status == 429) {
      outcome = Outcome.RATE_LIMITED;
    } else if (status == 408) {
      outcome = Outcome.TIMEOUT;
    } else if (status >= 500) {
      outcome = Outcome.SERVER_ERROR;
    } else {
      outcome = adapter.classifyClientError(status, json, message);
    }
    // An HTTP-date retry-after is wall-clock time, so it is read against the clock's wall time.
    return new ProviderException(
        outcome, status, message, retryAfterMillis(headers, clock.nowMillis()));
  }

  /**
   * How long the provider asked not to be called, in millis, or -1: {@code retry-after-ms}
   * (OpenAI), else {@code retry-after} as seconds or as an HTTP-date (RFC 9110), the latter counted
   * from {@code nowMillis}. A value that is neither is treated as absent.
   */
  static long retryAfterMillis(MultiMap headers, long nowMillis) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        return Math.max(0, Math.round(Double.parseDouble(ms)));
      } catch (NumberFormatException e) {
        // not a number: fall back to retry-after
      }
    }
    String value = headers.get("retry-after");
    if (value == null) {
      return -1;
    }
    try {
      return Math.max(0, Math.round(Double.parseDouble(value) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        return Math.max(
            0,
            ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant()
                    .toEpochMilli()
                - nowMillis);
      } catch (DateTimeParseException neither) {
        return -1;
      }
    }
  }

  /**
   * The next call connects whatever the last one met: a breaker's probe must reach the provider.
   */
  public void forgetRefusal() {
    refusalRemembered = false;
  }

  /**
   * The failure of a call made within {@link #REFUSAL_REMEMBERED_MILLIS} of a refused connection,
   * or null.
   */
  private ProviderException rememberedRefusal() {
    if (!refusalRemembered) {
      return null;
    }
    long agoMillis = (clock.nanoTime() - refusedAtNanos) / 1_000_000;
    if (agoMillis >= REFUSAL_REMEMBERED_MILLIS) {
      refusalRemembered = false;
      return null;
    }
    return new ProviderException(
        Outcome.CONNECT_FAILURE,
        "connection to "
            + deployment.provider().prefix()
            + " refused "
            + agoMillis
            + " ms ago; not tried again for "
            + REFUSAL_REMEMBERED_MILLIS
            + " ms after a refusal");
  }

  private ProviderException classify(Throwable t) {
    if (t instanceof ProviderException pe) {
      return pe;
    }
    if (t instanceof TimeoutException || t instanceof ConnectTimeoutException) {
      return new ProviderException(
          Outcome.TIMEOUT, "timed out connecting to " + deployment.provider().prefix());
    }
    if (t instanceof ConnectException) {
      // Remembered here, where every transport failure of a call passes (its timeout was handled
      // above).
      refusalRemembered = true;
      refusedAtNanos = clock.nanoTime();
    }
    String detail = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return new ProviderException(
        Outcome.CONNECT_FAILURE,
        "connection to " + deployment.provider().prefix() + " failed: " + scrub(detail));
  }

  private static ProviderException timeout(long millis) {
    return new ProviderException(
        Outcome.TIMEOUT, "no answer within the per-call timeout of " + millis + " ms");
  }

  /**
   * One call's timeout and in-flight request; touched only on the calling context. A non-streamed
   * call waits under the client's {@link TimeoutQueue}; a stream (whose timeout moves with every
   * token) and a call due before those queued there arm a Vert.x timer of their own.
   */
  private final class Call implements TimeoutQueue.Timed {
    private final long timeoutMillis;
    private Runnable onTimeout;
    private long timer = -1;
    private boolean queued;

    /**
     * When the call last made progress (the client's clock): its start, or a stream's latest token.
     */
    private long progressNanos;

    private HttpClientRequest request;
    private boolean finished;

    /** The caller holds the stream back: its wait is not the provider's silence. */
    private boolean held;

    Call(long timeoutMillis) {
      this.timeoutMillis = timeoutMillis;
    }

    /**
     * Starts the clock of a non-streamed call: {@code action} runs if it has not ended within its
     * timeout.
     */
    void onTimeout(Runnable action) {
      this.onTimeout = action;
      progressNanos = clock.nanoTime();
      queued = deadlines.add(this);
      if (!queued) {
        arm(timeoutMillis);
      }
    }

    /** Starts the clock of a stream, whose {@link #rearm() progress} moves it. */
    void onIdle(Runnable action) {
      this.onTimeout = action;
      progressNanos = clock.nanoTime();
      arm(timeoutMillis);
    }

    /**
     * The call made progress: its timeout now counts from here. Only a timestamp, not a new timer
     * per token: the armed timer, when it fires early, arms itself again for what is left.
     */
    void rearm() {
      progressNanos = clock.nanoTime();
    }

    /** While held, the idle timeout does not run; it counts afresh once released. */
    void hold(boolean on) {
      held = on;
      rearm();
    }

    @Override
    public long dueNanos() {
      return progressNanos + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public boolean ended() {
      return finished;
    }

    @Override
    public void expire() {
      finished = true;
      onTimeout.run(); // first, so the reset's own failure cannot claim the call
      reset();
    }

    private void arm(long delayMillis) {
      timer =
          vertx.setTimer(
              Math.max(1, delayMillis),
              id -> {
                timer = -1;
                if (finished) {
                  return;
                }
                if (held) {
                  arm(timeoutMillis);
                  return;
                }
                long idleMillis = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - progressNanos);
                if (idleMillis < timeoutMillis) {
                  arm(timeoutMillis - idleMillis);
                  return;
                }
                expire();
              });
    }

    /** Returns false when the call already timed out, so the late request is dropped at once. */
    boolean attach(HttpClientRequest req) {
      request = req;
      if (finished) {
        req.reset();
        return false;
      }
      return true;
    }

    void done() {
      if (finished) {
        return;
      }
      finished = true;
      if (queued) {
        deadlines.ended();
      } else if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    void reset() {
      if (request != null) {
        request.reset();
      }
    }
  }

  /** Providers echo keys in error messages (partially masked, or not at all): never pass one on. */
  private String scrub(String text) {
    return deployment.apiKey().map(k -> k.scrub(text)).orElse(text);
  }
}
