package dev.airbag.providers.http;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * One provider's wire protocol: canonical request to its URL, headers and body; its answers, stream
 * events and errors back to canonical form. Stateless apart from {@link #newStreamDecoder()}.
 */
public interface WireAdapter {

  String url(Deployment deployment, boolean stream);

  void headers(Deployment deployment, MultiMap headers);

  /** The request body, encoded. */
  Buffer body(ChatRequest request, Deployment deployment, boolean stream);

  /**
   * Reads a 2xx body; throws (a {@link io.vertx.core.json.DecodeException}, say) when it is not the
   * provider's answer shape.
   */
  ChatResponse response(Buffer body);

  /** A decoder for one stream's SSE events. */
  StreamDecoder newStreamDecoder();

  /**
   * Classifies a 4xx the status alone cannot: a context window exceeded, a key the provider refuses
   * with a 400 (Gemini), or a plain client error.
   */
  Outcome classifyClientError(int status, JsonObject errorBody, String message);

  /**
   * The human-readable message of the provider's error body: {@code error.message} in all three
   * formats.
   */
  default String errorMessage(JsonObject errorBody) {
    return errorBody.getValue("error") instanceof JsonObject error
        ? error.getString("message")
        : null;
  }

  /** Decodes the SSE events of one stream. */
  interface StreamDecoder {
    void onEvent(String event, String data, StreamSink sink);

    /** The HTTP body ended. Formats without an explicit end event finish the stream here. */
    default void onBodyEnd(StreamSink sink) {
      sink.fail(
          new ProviderException(
              Outcome.CONNECT_FAILURE, "the stream ended before the provider finished it"));
    }
  }
}
