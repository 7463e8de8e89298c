package dev.airbag.simulator;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Anthropic Messages, {@code POST /v1/messages}, with its required headers and fields checked. */
final class AnthropicFormat implements WireFormat {

  @Override
  public String name() {
    return "anthropic";
  }

  @Override
  public SimRequest parse(HttpServerRequest request, JsonObject body) {
    if (request.getHeader("anthropic-version") == null) {
      throw new BadRequest("anthropic-version: header is required");
    }
    String model = body.getString("model");
    if (model == null) {
      throw new BadRequest("model: Field required");
    }
    if (body.getValue("max_tokens") == null) {
      throw new BadRequest("max_tokens: Field required");
    }
    JsonArray messages = body.getJsonArray("messages");
    if (messages == null || messages.isEmpty()) {
      throw new BadRequest("messages: at least one message is required");
    }
    StringBuilder prompt = new StringBuilder();
    Object system = body.getValue("system");
    if (system instanceof String s) {
      prompt.append(s).append('\n');
    }
    String question = "";
    for (int i = 0; i < messages.size(); i++) {
      JsonObject m = messages.getJsonObject(i);
      String role = m.getString("role");
      if (!"user".equals(role) && !"assistant".equals(role)) {
        throw new BadRequest("messages." + i + ".role: Input should be 'user' or 'assistant'");
      }
      String text = text(m.getValue("content"));
      prompt.append(text).append('\n');
      if ("user".equals(role)) {
        question = text;
      }
    }
    return new SimRequest(
        model, prompt.toString(), question, body.getBoolean("stream", false), true);
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray blocks) {
      for (int i = 0; i < blocks.size(); i++) {
        sb.append(blocks.getJsonObject(i).getString("text", ""));
      }
    }
    return sb.toString();
  }

  @Override
  public String presentedKey(HttpServerRequest request) {
    return request.getHeader("x-api-key");
  }

  @Override
  public JsonObject completion(SimRequest request, Answer answer) {
    return new JsonObject()
        .put("id", "msg_sim")
        .put("type", "message")
        .put("role", "assistant")
        .put("model", request.model())
        .put(
            "content",
            new JsonArray().add(new JsonObject().put("type", "text").put("text", answer.text())))
        .put("stop_reason", stopReason(answer))
        .put("stop_sequence", null)
        .put(
            "usage",
            new JsonObject()
                .put("input_tokens", request.promptTokens())
                .put("output_tokens", answer.completionTokens()));
  }

  @Override
  public List<String> streamEvents(SimRequest request, Answer answer) {
    List<String> events = new ArrayList<>();
    events.add(
        WireFormat.sse(
            "message_start",
            new JsonObject()
                .put("type", "message_start")
                .put(
                    "message",
                    new JsonObject()
                        .put("id", "msg_sim")
                        .put("type", "message")
                        .put("role", "assistant")
                        .put("model", request.model())
                        .put("content", new JsonArray())
                        .put("stop_reason", null)
                        .put(
                            "usage",
                            new JsonObject()
                                .put("input_tokens", request.promptTokens())
                                .put("output_tokens", 1)))));
    events.add(
        WireFormat.sse(
            "content_block_start",
            new JsonObject()
                .put("type", "content_block_start")
                .put("index", 0)
                .put("content_block", new JsonObject().put("type", "text").put("text", ""))));
    events.add(WireFormat.sse("ping", new JsonObject().put("type", "ping")));
    for (String piece : WireFormat.pieces(answer.text())) {
      events.add(
          WireFormat.sse(
              "content_block_delta",
              new JsonObject()
                  .put("type", "content_block_delta")
                  .put("index", 0)
                  .put("delta", new JsonObject().put("type", "text_delta").put("text", piece))));
    }
    events.add(
        WireFormat.sse(
            "content_block_stop",
            new JsonObject().put("type", "content_block_stop").put("index", 0)));
    events.add(
        WireFormat.sse(
            "message_delta",
            new JsonObject()
                .put("type", "message_delta")
                .put(
                    "delta",
                    new JsonObject()
                        .put("stop_reason", stopReason(answer))
                        .put("stop_sequence", null))
                .put("usage", new JsonObject().put("output_tokens", answer.completionTokens()))));
    events.add(WireFormat.sse("message_stop", new JsonObject().put("type", "message_stop")));
    return events;
  }

  @Override
  public int preambleEvents() {
    return 3;
  }

  @Override
  public JsonObject error(ErrorKind kind, String message) {
    String type =
        switch (kind) {
          case AUTH -> "authentication_error";
          case RATE_LIMIT -> "rate_limit_error";
          case SERVER -> "api_error";
          case CONTEXT, INVALID -> "invalid_request_error";
        };
    return new JsonObject()
        .put("type", "error")
        .put("error", new JsonObject().put("type", type).put("message", message));
  }

  private static String stopReason(Answer answer) {
    return "length".equals(answer.finish()) ? "max_tokens" : "end_turn";
  }
}
