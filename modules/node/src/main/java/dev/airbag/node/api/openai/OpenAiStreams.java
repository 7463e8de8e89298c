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
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/** Answers written as OpenAI's server-sent chunks, whichever vendor streams underneath. */
final class OpenAiStreams {

  private OpenAiStreams() {}

  /**
   * Re-emits a provider's stream as OpenAI chunks; a break mid-stream ends with an error event, no
   * [DONE]. A stream that ends cleanly goes back, assembled, to the answer path for the checks and
   * the judge.
   */
  static void relay(
      Context context,
      HttpServerResponse response,
      RoutedAnswer.Served served,
      ChatRequest request,
      boolean includeUsage,
      RequestOrigin origin,
      long created,
      Span span,
      AnswerPath path) {
    String id = "chatcmpl-" + UUID.randomUUID();
    ChatStream stream = served.stream();
    response
        .setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    response.closeHandler(
        v -> {
          stream.cancel();
          span.end();
        });
    AtomicReference<Usage> usage = new AtomicReference<>();
    AtomicReference<FinishReason> finish = new AtomicReference<>(FinishReason.STOP);
    StringBuilder text = new StringBuilder();
    boolean[] first = {true};
    // Chunks decoded from one network read leave in one write: a write per chunk is a syscall per
    // token.
    Buffer[] pending = {null};
    Runnable flush =
        () -> {
          if (pending[0] != null) {
            response.write(pending[0]);
            pending[0] = null;
          }
        };
    stream.subscribe(
        context,
        chunk -> {
          chunk.usage().ifPresent(usage::set);
          chunk.finishReason().ifPresent(finish::set);
          text.append(chunk.text());
          if (chunk.text().isEmpty() && chunk.finishReason().isEmpty()) {
            return;
          }
          if (pending[0] == null) {
            pending[0] = Buffer.buffer(512);
            context.runOnContext(v -> flush.run());
          }
          OpenAiJson.appendChunkEvent(pending[0], id, served.model(), created, chunk, first[0]);
          first[0] = false;
        },
        end -> {
          flush.run();
          if (end.failed()) {
            ProviderException broke =
                end.cause() instanceof ProviderException pe
                    ? pe
                    : new ProviderException(Outcome.CONNECT_FAILURE, "the provider stream failed");
            if (!response.closed()) {
              path.streamBroke(served, broke);
            }
            response.end(
                event(
                    OpenAiJson.error(
                        "The provider's stream broke off: " + broke.getMessage(),
                        "server_error",
                        null,
                        "stream_interrupted")));
            return;
          }
          if (includeUsage && usage.get() != null) {
            response.write(event(OpenAiJson.usageChunk(id, served.model(), created, usage.get())));
          }
          response.end("data: [DONE]\n\n");
          path.streamEnded(
              served,
              request,
              new ChatResponse(
                  id,
                  served.model(),
                  text.toString(),
                  finish.get(),
                  usage.get() == null ? new Usage(0, 0) : usage.get()),
              origin);
        });
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
