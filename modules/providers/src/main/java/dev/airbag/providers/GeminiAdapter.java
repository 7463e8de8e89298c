package dev.airbag.providers;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** Gemini generateContent / streamGenerateContent (SSE): {@code contents} of user/model turns. */
final class GeminiAdapter implements WireAdapter {

  @Override
  public String url(Deployment deployment, boolean stream) {
    String base = deployment.apiBase();
    String prefix = base.endsWith("/v1beta") || base.endsWith("/v1") ? base : base + "/v1beta";
    return prefix + "/models/" + deployment.model() + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent");
  }

  @Override
  public void headers(Deployment deployment, MultiMap headers) {
    deployment.apiKey().ifPresent(k -> headers.set("x-goog-api-key", k.reveal()));
  }

  @Override
  public JsonObject body(ChatRequest request, Deployment deployment, boolean stream) {
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
        contents.getJsonObject(contents.size() - 1).getJsonArray("parts").add(new JsonObject().put("text", m.content()));
      } else {
        contents.add(new JsonObject().put("role", role)
            .put("parts", new JsonArray().add(new JsonObject().put("text", m.content()))));
      }
      lastRole = role;
    }
    JsonObject body = new JsonObject().put("contents", contents);
    if (!system.isEmpty()) {
      body.put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(new JsonObject().put("text", system.toString()))));
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
    return body;
  }

  @Override
  public ChatResponse response(JsonObject body) {
    Piece piece = piece(body);
    return new ChatResponse(body.getString("responseId", "gemini"), body.getString("modelVersion", ""),
        piece.text, piece.finish.orElse(FinishReason.STOP), piece.usage.orElse(new Usage(0, 0)));
  }

  private record Piece(String text, Optional<FinishReason> finish, Optional<Usage> usage) {}

  private static Piece piece(JsonObject body) {
    JsonArray candidates = body.getJsonArray("candidates");
    Optional<Usage> usage = Optional.ofNullable(body.getJsonObject("usageMetadata"))
        .map(u -> new Usage(u.getInteger("promptTokenCount", 0), u.getInteger("candidatesTokenCount", 0)));
    if (candidates == null || candidates.isEmpty()) {
      // No candidate at all: the prompt itself was blocked.
      boolean blocked = body.getJsonObject("promptFeedback", new JsonObject()).getString("blockReason") != null;
      return new Piece("", blocked ? Optional.of(FinishReason.CONTENT_FILTER) : Optional.empty(), usage);
    }
    JsonObject candidate = candidates.getJsonObject(0);
    StringBuilder text = new StringBuilder();
    JsonArray parts = candidate.getJsonObject("content", new JsonObject()).getJsonArray("parts", new JsonArray());
    for (int i = 0; i < parts.size(); i++) {
      text.append(parts.getJsonObject(i).getString("text", ""));
    }
    return new Piece(text.toString(), Optional.ofNullable(candidate.getString("finishReason")).map(GeminiAdapter::finishReason), usage);
  }

  static FinishReason finishReason(String reason) {
    return switch (reason) {
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.STOP;
    };
  }

  @Override
  public StreamDecoder newStreamDecoder() {
    return new StreamDecoder() {
      @Override
      public void onEvent(String event, String data, StreamSink sink) {
        JsonObject json = new JsonObject(data);
        JsonObject error = json.getJsonObject("error");
        if (error != null) {
          sink.fail(new ProviderException(Outcome.SERVER_ERROR, 0, error.getString("message", "error in stream"), -1));
          return;
        }
        Piece piece = piece(json);
        if (piece.text.isEmpty() && piece.finish.isEmpty()) {
          return;
        }
        sink.chunk(new ChatChunk(piece.text, piece.finish, piece.finish.isPresent() ? piece.usage : Optional.empty()));
        if (piece.finish.isPresent()) {
          sink.end();
        }
      }
    };
  }

  @Override
  public Outcome classifyClientError(int status, JsonObject errorBody, String message) {
    JsonObject error = errorBody == null ? new JsonObject() : errorBody.getJsonObject("error", new JsonObject());
    JsonArray details = error.getJsonArray("details", new JsonArray());
    for (int i = 0; i < details.size(); i++) {
      if (details.getValue(i) instanceof JsonObject d && "API_KEY_INVALID".equals(d.getString("reason"))) {
        return Outcome.AUTH_FAILURE;
      }
    }
    if (message.contains("API key not valid")) {
      return Outcome.AUTH_FAILURE;
    }
    if (message.contains("exceeds the maximum number of tokens") || message.contains("input token count")) {
      return Outcome.CONTEXT_WINDOW_EXCEEDED;
    }
    return Outcome.CLIENT_ERROR;
  }

}
