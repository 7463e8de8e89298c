package dev.airbag.providers.gemini;

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
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/** Gemini generateContent / streamGenerateContent (SSE): {@code contents} of user/model turns. */
public final class GeminiAdapter implements WireAdapter {

  @Override
  public String url(Deployment deployment, boolean stream) {
    String base = deployment.apiBase();
    String prefix = base.endsWith("/v1beta") || base.endsWith("/v1") ? base : base + "/v1beta";
    return prefix
        + "/models/"
        + deployment.model()
        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
  }

  @Override
  public void headers(Deployment deployment, MultiMap headers) {
    deployment.apiKey().ifPresent(k -> headers.set("x-goog-api-key", k.reveal()));
  }

  @Override
  public Buffer body(ChatRequest request, Deployment deployment, boolean stream) {
    StringBuilder system = new StringBuilder();
    JsonArray contents = new JsonArray();
    String lastRole = null;
    for (ChatMessage m : request.messages()) {
      if (m.role() == Role.SYSTEM) {
        system.append(system.isEmpty() ? "" : "\n\n").append(m.content());
        continue;
      }
      String role = m.role() == Role.USER ? "user" : "model";
      if (role.equals(lastRole)) {
        contents
            .getJsonObject(contents.size() - 1)
            .getJsonArray("parts")
            .add(new JsonObject().put("text", m.content()));
      } else {
        contents.add(
            new JsonObject()
                .put("role", role)
                .put("parts", new JsonArray().add(new JsonObject().put("text", m.content()))));
      }
      lastRole = role;
    }
    JsonObject body = new JsonObject().put("contents", contents);
    if (!system.isEmpty()) {
      body.put(
          "systemInstruction",
          new JsonObject()
              .put("parts", new JsonArray().add(new JsonObject().put("text", system.toString()))));
    }
    JsonObject generation = new JsonObject();
    request.maxTokens().ifPresent(t -> generation.put("maxOutputTokens", t));
    request.temperature().ifPresent(t -> generation.put("temperature", t));
    request.topP().ifPresent(t -> generation.put("topP", t));
    if (!request.stop().isEmpty()) {
      generation.put("stopSequences", new JsonArray(request.stop()));
    }
    if (!generation.isEmpty()) {
      body.put("generationConfig", generation);
    }
    return JsonBytes.encode(body);
  }

  @Override
  public ChatResponse response(Buffer body) {
    Piece piece = JsonBytes.read(body, GeminiAdapter::piece);
    return new ChatResponse(
        Objects.requireNonNullElse(piece.id, "gemini"),
        Objects.requireNonNullElse(piece.model, ""),
        piece.text,
        piece.finish.orElse(FinishReason.STOP),
        piece.usage.orElse(new Usage(0, 0)));
  }

  /**
   * What a response, whole or one event of a stream, holds for Airbag; {@code error} only in a
   * stream's error event.
   */
  private record Piece(
      String text,
      Optional<FinishReason> finish,
      Optional<Usage> usage,
      String id,
      String model,
      String error) {}

  /**
   * A {@code GenerateContentResponse} read token by token: a stream sends one per token, whole, and
   * building each as a tree of maps was most of its cost. What it reads: the first candidate's
   * parts' text and finish reason, the usage, whether the prompt was blocked (no candidate at all),
   * the id and model version, and an error's message; everything else is skipped. A value of the
   * wrong type is a {@link io.vertx.core.json.DecodeException}.
   */
  private static Piece piece(JsonParser p) throws IOException {
    JsonBytes.expect(p.nextToken(), JsonToken.START_OBJECT, "response");
    StringBuilder text = new StringBuilder();
    String finish = null;
    Usage usage = null;
    String id = null;
    String model = null;
    String error = null;
    boolean candidate = false;
    boolean blocked = false;
    while (JsonBytes.nextField(p)) {
      String field = p.currentName();
      JsonToken value = p.currentToken();
      switch (field) {
        case "candidates" -> {
          JsonBytes.expect(value, JsonToken.START_ARRAY, field);
          candidate = JsonBytes.enterFirstObject(p, "candidates[0]");
          if (candidate) {
            while (JsonBytes.nextField(p)) {
              String name = p.currentName();
              JsonToken inner = p.currentToken();
              switch (name) {
                case "finishReason" -> finish = JsonBytes.string(p, inner, name);
                case "content" -> {
                  JsonBytes.expect(inner, JsonToken.START_OBJECT, name);
                  readParts(p, text);
                }
                default -> p.skipChildren();
              }
            }
            JsonBytes.skipRestOfArray(p); // only the first candidate is read: Airbag asks for one
          }
        }
        case "usageMetadata" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          usage = JsonBytes.readUsage(p, "promptTokenCount", "candidatesTokenCount");
        }
        case "promptFeedback" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          blocked = JsonBytes.readStrings(p, "blockReason")[0] != null;
        }
        case "error" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          error =
              Objects.requireNonNullElse(JsonBytes.readStrings(p, "message")[0], "error in stream");
        }
        case "responseId" -> id = JsonBytes.string(p, value, field);
        case "modelVersion" -> model = JsonBytes.string(p, value, field);
        default -> p.skipChildren();
      }
    }
    // No candidate at all: the prompt itself was blocked, or the event carried none.
    Optional<FinishReason> finished =
        candidate
            ? Optional.ofNullable(finish).map(GeminiAdapter::finishReason)
            : blocked ? Optional.of(FinishReason.CONTENT_FILTER) : Optional.empty();
    return new Piece(text.toString(), finished, Optional.ofNullable(usage), id, model, error);
  }

  /**
   * Appends the text of each of a candidate's {@code content.parts}; the parser is inside {@code
   * content}.
   */
  private static void readParts(JsonParser p, StringBuilder text) throws IOException {
    while (JsonBytes.nextField(p)) {
      String name = p.currentName();
      JsonToken value = p.currentToken();
      if (!name.equals("parts")) {
        p.skipChildren();
        continue;
      }
      JsonBytes.expect(value, JsonToken.START_ARRAY, name);
      for (JsonToken part = p.nextToken(); part != JsonToken.END_ARRAY; part = p.nextToken()) {
        JsonBytes.expect(part, JsonToken.START_OBJECT, "parts[]");
        String partText = JsonBytes.readStrings(p, "text")[0];
        if (partText != null) {
          text.append(partText);
        }
      }
    }
  }

  static FinishReason finishReason(String reason) {
    return switch (reason) {
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" ->
          FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP;
    };
  }

  @Override
  public StreamDecoder newStreamDecoder() {
    return new StreamDecoder() {
      @Override
      public void onEvent(String event, String data, StreamSink sink) {
        Piece piece = JsonBytes.read(data, GeminiAdapter::piece);
        if (piece.error != null) {
          sink.fail(new ProviderException(Outcome.SERVER_ERROR, 0, piece.error, -1));
          return;
        }
        if (piece.text.isEmpty() && piece.finish.isEmpty()) {
          return;
        }
        sink.chunk(
            new ChatChunk(
                piece.text,
                piece.finish,
                piece.finish.isPresent() ? piece.usage : Optional.empty()));
        if (piece.finish.isPresent()) {
          sink.end();
        }
      }
    };
  }

  @Override
  public Outcome classifyClientError(int status, JsonObject errorBody, String message) {
    JsonObject error =
        errorBody == null ? new JsonObject() : errorBody.getJsonObject("error", new JsonObject());
    JsonArray details = error.getJsonArray("details", new JsonArray());
    for (int i = 0; i < details.size(); i++) {
      if (details.getValue(i) instanceof JsonObject d
          && "API_KEY_INVALID".equals(d.getString("reason"))) {
        return Outcome.AUTH_FAILURE;
      }
    }
    if (message.contains("API key not valid")) {
      return Outcome.AUTH_FAILURE;
    }
    if (message.contains("exceeds the maximum number of tokens")
        || message.contains("input token count")) {
      return Outcome.CONTEXT_WINDOW_EXCEEDED;
    }
    return Outcome.CLIENT_ERROR;
  }
}
