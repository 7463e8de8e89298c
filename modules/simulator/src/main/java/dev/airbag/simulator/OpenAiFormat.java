package dev.airbag.simulator;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** OpenAI Chat Completions, {@code POST /v1/chat/completions}. */
final class OpenAiFormat implements WireFormat {

  @Override
  public String name() {
    return "openai";
  }

  @Override
  public SimRequest parse(HttpServerRequest request, JsonObject body) {
    String model = body.getString("model");
    if (model == null) {
      throw new BadRequest("you must provide a model parameter");
    }
    JsonArray messages = body.getJsonArray("messages");
    if (messages == null || messages.isEmpty()) {
      throw new BadRequest("'messages' must contain at least one message");
    }
    StringBuilder prompt = new StringBuilder();
    String question = "";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      String role = m.getString("role");
      if (!List.of("system", "developer", "user", "assistant").contains(role)) {
        throw new BadRequest("Invalid value for 'messages[" + i + "].role': '" + role + "'");
      }
      Object content = m.getValue("content");
      String text = content instanceof String s ? s : "";
      prompt.append(text).append('\n');
      if ("user".equals(role)) {
        question = text;
      }
    }
    JsonObject streamOptions = body.getJsonObject("stream_options");
    boolean includeUsage =
        streamOptions != null && streamOptions.getBoolean("include_usage", false);
    return new SimRequest(
        model, prompt.toString(), question, body.getBoolean("stream", false), includeUsage);
  }

  @Override
  public String presentedKey(HttpServerRequest request) {
    String auth = request.getHeader("authorization");
    return auth != null && auth.startsWith("Bearer ") ? auth.substring(7) : null;
  }

  @Override
  public JsonObject completion(SimRequest request, Answer answer) {
    return new JsonObject()
        .put("id", "chatcmpl-sim")
        .put("object", "chat.completion")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", request.model())
        .put(
            "choices",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 0)
                        .put(
                            "message",
                            new JsonObject().put("role", "assistant").put("content", answer.text()))
                        .put("finish_reason", answer.finish())))
        .put("usage", usage(request, answer));
  }

  @Override
  public List<String> streamEvents(SimRequest request, Answer answer) {
    List<String> events = new ArrayList<>();
    events.add(
        WireFormat.sse(
            null,
            chunk(request, new JsonObject().put("role", "assistant").put("content", ""), null)));
    for (String piece : WireFormat.pieces(answer.text())) {
      events.add(
          WireFormat.sse(null, chunk(request, new JsonObject().put("content", piece), null)));
    }
    events.add(WireFormat.sse(null, chunk(request, new JsonObject(), answer.finish())));
    if (request.includeUsage()) {
      events.add(
          WireFormat.sse(
              null,
              base(request).put("choices", new JsonArray()).put("usage", usage(request, answer))));
    }
    events.add("data: [DONE]\n\n");
    return events;
  }

  @Override
  public int preambleEvents() {
    return 1;
  }

  @Override
  public JsonObject error(ErrorKind kind, String message) {
    JsonObject e = new JsonObject().put("message", message).put("param", null);
    switch (kind) {
      case AUTH -> e.put("type", "invalid_request_error").put("code", "invalid_api_key");
      case RATE_LIMIT -> e.put("type", "requests").put("code", "rate_limit_exceeded");
      case SERVER -> e.put("type", "server_error").put("code", null);
      case CONTEXT ->
          e.put("type", "invalid_request_error")
              .put("code", "context_length_exceeded")
              .put("param", "messages");
      case INVALID -> e.put("type", "invalid_request_error").put("code", null);
    }
    return new JsonObject().put("error", e);
  }

  private static JsonObject base(SimRequest request) {
    return new JsonObject()
        .put("id", "chatcmpl-sim")
        .put("object", "chat.completion.chunk")
        .put("created", System.currentTimeMillis() / 1000)
        .put("model", request.model());
  }

  private static JsonObject chunk(SimRequest request, JsonObject delta, String finish) {
    return base(request)
        .put(
            "choices",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 0)
                        .put("delta", delta)
                        .put("finish_reason", finish)));
  }

  private static JsonObject usage(SimRequest request, Answer answer) {
    return new JsonObject()
        .put("prompt_tokens", request.promptTokens())
        .put("completion_tokens", answer.completionTokens())
        .put("total_tokens", request.promptTokens() + answer.completionTokens());
  }
}
