package dev.airbag.providers;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/** OpenAI Chat Completions, and any OpenAI-compatible host given as {@code api_base}. */
final class OpenAiAdapter implements WireAdapter {

  @Override
  public String url(Deployment deployment, boolean stream) {
    String base = deployment.apiBase();
    return base.endsWith("/chat/completions") ? base : base + "/chat/completions";
  }

  @Override
  public void headers(Deployment deployment, MultiMap headers) {
    deployment.apiKey().ifPresent(k -> headers.set("authorization", "Bearer " + k.reveal()));
  }

  @Override
  public JsonObject body(ChatRequest request, Deployment deployment, boolean stream) {
    return OpenAiJson.providerBody(request, deployment.model(), stream);
  }

  @Override
  public ChatResponse response(JsonObject body) {
    JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
    JsonObject message = choice.getJsonObject("message");
    String content = message.getString("content");
    return new ChatResponse(body.getString("id", "chatcmpl"), body.getString("model", ""),
        content == null ? "" : content, OpenAiJson.finishReason(choice.getString("finish_reason")),
        usage(body.getJsonObject("usage")));
  }

  private static Usage usage(JsonObject usage) {
    if (usage == null) {
      return new Usage(0, 0);
    }
    return new Usage(usage.getInteger("prompt_tokens", 0), usage.getInteger("completion_tokens", 0));
  }

  @Override
  public StreamDecoder newStreamDecoder() {
    return (event, data, sink) -> {
      if (data.equals("[DONE]")) {
        sink.end();
        return;
      }
      JsonObject json = new JsonObject(data);
      JsonObject error = json.getJsonObject("error");
      if (error != null) {
        sink.fail(new ProviderException(Outcome.SERVER_ERROR, 0, error.getString("message", "error in stream"), -1));
        return;
      }
      JsonArray choices = json.getJsonArray("choices");
      Optional<Usage> usage = Optional.ofNullable(json.getJsonObject("usage")).map(OpenAiAdapter::usage);
      if (choices == null || choices.isEmpty()) {
        usage.ifPresent(u -> sink.chunk(new ChatChunk("", Optional.empty(), usage)));
        return;
      }
      JsonObject choice = choices.getJsonObject(0);
      JsonObject delta = choice.getJsonObject("delta", new JsonObject());
      String text = delta.getString("content");
      String finish = choice.getString("finish_reason");
      if ((text == null || text.isEmpty()) && finish == null && usage.isEmpty()) {
        return;
      }
      sink.chunk(new ChatChunk(text == null ? "" : text,
          finish == null ? Optional.empty() : Optional.of(OpenAiJson.finishReason(finish)), usage));
    };
  }

  @Override
  public Outcome classifyClientError(int status, JsonObject errorBody, String message) {
    JsonObject error = errorBody == null ? null : errorBody.getJsonObject("error");
    String code = error == null ? null : String.valueOf(error.getValue("code"));
    if ("context_length_exceeded".equals(code) || message.contains("maximum context length")) {
      return Outcome.CONTEXT_WINDOW_EXCEEDED;
    }
    return Outcome.CLIENT_ERROR;
  }

}
