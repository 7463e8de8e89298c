package dev.airbag.node.api.openai;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.node.api.AnswerPath;
import dev.airbag.node.bus.RequestOrigin;
import dev.airbag.node.routing.RoutedAnswer;
import dev.airbag.providers.http.ChatStream;
import dev.airbag.providers.http.ProviderException;
import dev.airbag.providers.json.JsonBytes;
import dev.airbag.providers.openai.OpenAiJson;
import io.opentelemetry.api.trace.Span;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;

/** Answers written as OpenAI's server-sent chunks, whichever vendor streams underneath. */
final class OpenAiStreams {

  private OpenAiStreams() {}

  /** What is kept of a streamed answer for the checks and the judge; a longer one is neither. */
  static final int KEPT_CHARS = 64 * 1024;

  /**
   * Re-emits a provider's stream as OpenAI chunks; a break mid-stream ends with an error event, no
   * [DONE]. A caller that reads slower than the provider writes pauses the provider's stream until
   * it drains, and one that reads nothing for {@code stalledMillis} is cut off: the node holds no
   * more of an answer than the write queue. A stream that ends cleanly goes back, assembled, to the
   * answer path for the checks and the judge. One per stream, on the serving context.
   */
  static final class Relay {
    private final Vertx vertx;
    private final Context context;
    private final HttpConnection connection;
    private final HttpServerResponse response;
    private final RoutedAnswer.Served served;
    private final ChatStream stream;
    private final ChatRequest request;
    private final boolean includeUsage;
    private final RequestOrigin origin;
    private final long created;
    private final long stalledMillis;
    private final Span span;
    private final AnswerPath path;
    private final String id = "chatcmpl-" + UUID.randomUUID();
    private final StringBuilder text = new StringBuilder();
    private boolean textCut;
    private Usage usage;
    private FinishReason finish = FinishReason.STOP;
    private boolean first = true;

    /**
     * Chunks decoded from one network read leave in one write: a write per chunk is a syscall per
     * token.
     */
    private Buffer pending;

    private long stallTimer = -1;
    private boolean cutOff;

    Relay(
        Vertx vertx,
        Context context,
        HttpConnection connection,
        HttpServerResponse response,
        RoutedAnswer.Served served,
        ChatRequest request,
        boolean includeUsage,
        RequestOrigin origin,
        long created,
        long stalledMillis,
        Span span,
        AnswerPath path) {
      this.vertx = vertx;
      this.context = context;
      this.connection = connection;
      this.response = response;
      this.served = served;
      this.stream = served.stream();
      this.request = request;
      this.includeUsage = includeUsage;
      this.origin = origin;
      this.created = created;
      this.stalledMillis = stalledMillis;
      this.span = span;
      this.path = path;
    }

    void start() {
      response
          .setChunked(true)
          .putHeader("content-type", "text/event-stream")
          .putHeader("cache-control", "no-cache");
      response.closeHandler(
          v -> {
            cancelStallTimer();
            stream.cancel();
            span.end();
          });
      stream.subscribe(context, this::chunk, this::end);
    }

    private void chunk(ChatChunk chunk) {
      chunk.usage().ifPresent(u -> usage = u);
      chunk.finishReason().ifPresent(f -> finish = f);
      keep(chunk.text());
      if (chunk.text().isEmpty() && chunk.finishReason().isEmpty()) {
        return;
      }
      if (pending == null) {
        pending = Buffer.buffer(512);
        context.runOnContext(v -> flush());
      }
      OpenAiJson.appendChunkEvent(pending, id, served.model(), created, chunk, first);
      first = false;
    }

    private void keep(String piece) {
      if (textCut) {
        return;
      }
      if (text.length() + piece.length() > KEPT_CHARS) {
        textCut = true;
        text.setLength(0);
        text.trimToSize();
        return;
      }
      text.append(piece);
    }

    private void flush() {
      if (pending == null || response.closed()) {
        pending = null;
        return;
      }
      response.write(pending);
      pending = null;
      if (response.writeQueueFull() && stallTimer < 0) {
        stream.pause();
        stallTimer = vertx.setTimer(Math.max(1, stalledMillis), t -> stalled());
        response.drainHandler(
            v -> {
              cancelStallTimer();
              stream.resume();
            });
      }
    }

    /**
     * The caller read nothing for the stalled-client timeout: cut it off and stop the provider's
     * stream; neither is the provider's fault.
     */
    private void stalled() {
      stallTimer = -1;
      cutOff = true;
      connection.close();
      stream.cancel();
    }

    private void cancelStallTimer() {
      if (stallTimer >= 0) {
        vertx.cancelTimer(stallTimer);
        stallTimer = -1;
      }
    }

    private void end(io.vertx.core.AsyncResult<Void> end) {
      flush();
      cancelStallTimer();
      if (end.failed()) {
        ProviderException broke =
            end.cause() instanceof ProviderException pe
                ? pe
                : new ProviderException(Outcome.CONNECT_FAILURE, "the provider stream failed");
        if (cutOff || response.closed()) {
          return; // a caller that hung up, or was cut off, is not the provider's fault
        }
        path.streamBroke(served, broke);
        response.end(
            event(
                OpenAiJson.error(
                    "The provider's stream broke off: " + broke.getMessage(),
                    "server_error",
                    null,
                    "stream_interrupted")));
        return;
      }
      if (cutOff || response.closed()) {
        return;
      }
      if (includeUsage && usage != null) {
        response.write(event(OpenAiJson.usageChunk(id, served.model(), created, usage)));
      }
      response.end("data: [DONE]\n\n");
      if (!textCut) {
        path.streamEnded(
            served,
            request,
            new ChatResponse(
                id,
                served.model(),
                text.toString(),
                finish,
                usage == null ? new Usage(0, 0) : usage),
            origin);
      }
    }
  }

  /** Rung 3 as a stream: the canned message in one chunk, then the end. */
  static void canned(
      HttpServerResponse response, RoutedAnswer.Canned canned, boolean includeUsage, long created) {
    String id = "airbag-canned-" + UUID.randomUUID();
    String model = RoutedAnswer.Canned.MODEL;
    response.setChunked(true).putHeader("content-type", "text/event-stream");
    Buffer chunks =
        OpenAiJson.appendChunkEvent(
            Buffer.buffer(512), id, model, created, ChatChunk.text(canned.message()), true);
    response.write(
        OpenAiJson.appendChunkEvent(
            chunks,
            id,
            model,
            created,
            new ChatChunk("", Optional.of(FinishReason.STOP), Optional.empty()),
            false));
    if (includeUsage) {
      response.write(event(OpenAiJson.usageChunk(id, model, created, new Usage(0, 0))));
    }
    response.end("data: [DONE]\n\n");
  }

  /** One server-sent event on its own, written as the streamed chunks are. */
  private static Buffer event(JsonObject json) {
    return JsonBytes.appendEvent(Buffer.buffer(256), json);
  }
}
