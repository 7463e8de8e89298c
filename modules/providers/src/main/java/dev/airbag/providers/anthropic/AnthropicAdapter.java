package dev.airbag.providers.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.providers.http.ProviderException;
import dev.airbag.providers.http.StreamSink;
import dev.airbag.providers.http.WireAdapter;
import dev.airbag.providers.json.JsonBytes;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Anthropic Messages: system apart, alternating user/assistant turns, {@code max_tokens} required.
 */
public final class AnthropicAdapter implements WireAdapter {

  static final String API_VERSION = "2023-06-01";

  /** Anthropic requires max_tokens; LiteLLM sends this when the caller gives none. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  @Override
  public String url(Deployment deployment, boolean stream) {
    String base = deployment.apiBase();
    if (base.endsWith("/v1/messages")) {
      return base;
    }
    return base.endsWith("/v1") ? base + "/messages" : base + "/v1/messages";
  }

  @Override
  public void headers(Deployment deployment, MultiMap headers) {
    deployment.apiKey().ifPresent(k -> headers.set("x-api-key", k.reveal()));
    headers.set("anthropic-version", API_VERSION);
  }

  @Override
  public Buffer body(ChatRequest request, Deployment deployment, boolean stream) {
    StringBuilder system = new StringBuilder();
    JsonArray messages = new JsonArray();
    String lastRole = null;
    for (ChatMessage m : request.messages()) {
      if (m.role() == Role.SYSTEM) {
        system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
        continue;
      }
      String role = m.role() == Role.USER ? "user" : "assistant";
      if (role.equals(lastRole)) {
        // Anthropic wants turns to alternate: consecutive messages of one role become one turn.
        JsonObject previous = messages.getJsonObject(messages.size() - 1);
        previous.put("content", previous.getString("content") + "\n\n" + m.content());
      } else {
        messages.add(new JsonObject().put("role", role).put("content", m.content()));
      }
      lastRole = role;
    }
    JsonObject body =
        new JsonObject()
            .put("model", deployment.model())
            .put("max_tokens", request.maxTokens().orElse(DEFAULT_MAX_TOKENS))
            .put("messages", messages);
    if (!system.isEmpty()) {
      body.put("system", system.toString());
    }
    // OpenAI's temperature runs 0..2, Anthropic's 0..1.
    request.temperature().ifPresent(t -> body.put("temperature", Math.min(1.0, t)));
    request.topP().ifPresent(t -> body.put("top_p", t));
    if (!request.stop().isEmpty()) {
      body.put("stop_sequences", new JsonArray(request.stop()));
    }
    if (stream) {
      body.put("stream", true);
    }
    return JsonBytes.encode(body);
  }

  @Override
  public ChatResponse response(Buffer answer) {
    return JsonBytes.read(answer, AnthropicAdapter::readMessage);
  }

  /**
   * A whole message read token by token, as OpenAI's and Gemini's answers are, not built as a tree:
   * the text of its {@code text} blocks (tool use and thinking carry nothing for the caller's
   * answer), its id, model, stop reason and token counts; everything else is skipped. A value of
   * the wrong type, or no {@code content}, is a {@link DecodeException}.
   */
  static ChatResponse readMessage(JsonParser p) throws IOException {
    JsonBytes.expect(p.nextToken(), JsonToken.START_OBJECT, "message");
    String id = null;
    String model = null;
    String stop = null;
    Usage usage = null;
    StringBuilder text = null;
    while (JsonBytes.nextField(p)) {
      String field = p.currentName();
      JsonToken value = p.currentToken();
      switch (field) {
        case "id" -> id = JsonBytes.string(p, value, field);
        case "model" -> model = JsonBytes.string(p, value, field);
        case "stop_reason" -> stop = JsonBytes.string(p, value, field);
        case "usage" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          usage = JsonBytes.readUsage(p, "input_tokens", "output_tokens");
        }
        case "content" -> {
          JsonBytes.expect(value, JsonToken.START_ARRAY, field);
          text = new StringBuilder();
          for (JsonToken block = p.nextToken();
              block != JsonToken.END_ARRAY;
              block = p.nextToken()) {
            JsonBytes.expect(block, JsonToken.START_OBJECT, "content[]");
            String[] typeAndText = JsonBytes.readStrings(p, "type", "text");
            if ("text".equals(typeAndText[0]) && typeAndText[1] != null) {
              text.append(typeAndText[1]);
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (text == null) {
      throw new DecodeException("the answer has no content");
    }
    return new ChatResponse(
        Objects.requireNonNullElse(id, "msg"),
        Objects.requireNonNullElse(model, ""),
        text.toString(),
        finishReason(stop),
        Objects.requireNonNullElse(usage, new Usage(0, 0)));
  }

  static FinishReason finishReason(String stopReason) {
    if (stopReason == null) {
      return FinishReason.STOP;
    }
    return switch (stopReason) {
      case "max_tokens" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "refusal" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP;
    };
  }

  @Override
  public StreamDecoder newStreamDecoder() {
    return new StreamDecoder() {
      private int inputTokens;

      @Override
      public void onEvent(String event, String data, StreamSink sink) {
        if ("content_block_delta".equals(event)) {
          JsonBytes.read(data, AnthropicAdapter::deltaText)
              .ifPresent(text -> sink.chunk(ChatChunk.text(text)));
          return;
        }
        JsonObject json = new JsonObject(data);
        String type = event != null ? event : json.getString("type", "");
        switch (type) {
          case "message_start" ->
              inputTokens =
                  json.getJsonObject("message", new JsonObject())
                      .getJsonObject("usage", new JsonObject())
                      .getInteger("input_tokens", 0);
          case "content_block_delta" -> {
            JsonObject delta = json.getJsonObject("delta", new JsonObject());
            if ("text_delta".equals(delta.getString("type"))) {
              sink.chunk(ChatChunk.text(delta.getString("text", "")));
            }
          }
          case "message_delta" -> {
            String stop = json.getJsonObject("delta", new JsonObject()).getString("stop_reason");
            int output =
                json.getJsonObject("usage", new JsonObject()).getInteger("output_tokens", 0);
            sink.chunk(
                new ChatChunk(
                    "",
                    Optional.ofNullable(stop).map(AnthropicAdapter::finishReason),
                    Optional.of(new Usage(inputTokens, output))));
          }
          case "message_stop" -> sink.end();
          case "error" -> {
            JsonObject error = json.getJsonObject("error", new JsonObject());
            sink.fail(
                new ProviderException(
                    Outcome.SERVER_ERROR,
                    0,
                    error.getString("type", "error")
                        + ": "
                        + error.getString("message", "error in stream"),
                    -1));
          }
          default -> {} // ping, content_block_start/stop carry nothing we need
        }
      }
    };
  }

  /**
   * The event that carries each token, read token by token rather than as a tree (as OpenAI's
   * chunks are): the text of a {@code text_delta}; other deltas (tool input, thinking) carry
   * nothing for the caller's answer.
   */
  static Optional<String> deltaText(JsonParser p) throws IOException {
    JsonBytes.expect(p.nextToken(), JsonToken.START_OBJECT, "content_block_delta");
    String[] delta = {null, null}; // its type and text
    while (JsonBytes.nextField(p)) {
      String field = p.currentName();
      JsonToken value = p.currentToken();
      if (!field.equals("delta")) {
        p.skipChildren();
        continue;
      }
      JsonBytes.expect(value, JsonToken.START_OBJECT, field);
      delta = JsonBytes.readStrings(p, "type", "text");
    }
    return "text_delta".equals(delta[0])
        ? Optional.of(delta[1] == null ? "" : delta[1])
        : Optional.empty();
  }

  @Override
  public Outcome classifyClientError(int status, JsonObject errorBody, String message) {
    if (message.contains("prompt is too long")
        || message.contains("exceed context limit")
        || message.contains("context window")) {
      return Outcome.CONTEXT_WINDOW_EXCEEDED;
    }
    return Outcome.CLIENT_ERROR;
  }
}
