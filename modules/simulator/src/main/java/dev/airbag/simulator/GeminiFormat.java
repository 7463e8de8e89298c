package dev.airbag.simulator;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini {@code POST /v1beta/models/{model}:generateContent} and {@code
 * :streamGenerateContent?alt=sse}. Like the real API, a bad key is a 400 with reason {@code
 * API_KEY_INVALID}, not a 401.
 */
final class GeminiFormat implements WireFormat {

  @Override
  public String name() {
    return "gemini";
  }

  @Override
  public SimRequest parse(HttpServerRequest request, JsonObject body) {
    String path = request.path();
    String tail = path.substring(path.lastIndexOf('/') + 1);
    int colon = tail.indexOf(':');
    if (colon < 0) {
      throw new BadRequest("expected models/{model}:generateContent or :streamGenerateContent");
    }
    String model = tail.substring(0, colon);
    String action = tail.substring(colon + 1);
    boolean stream = action.equals("streamGenerateContent");
    if (!stream && !action.equals("generateContent")) {
      throw new BadRequest("unknown method " + action);
    }
    if (stream && !"sse".equals(request.getParam("alt"))) {
      throw new BadRequest("this simulator streams only with alt=sse");
    }
    JsonArray contents = body.getJsonArray("contents");
    if (contents == null || contents.isEmpty()) {
      throw new BadRequest("* GenerateContentRequest.contents: contents is not specified");
    }
    StringBuilder prompt = new StringBuilder();
    JsonObject system = body.getJsonObject("systemInstruction");
    if (system != null) {
      prompt.append(parts(system)).append('\n');
    }
    String question = "";
    for (int i = 0; i < contents.size(); i++) {
      JsonObject c = contents.getJsonObject(i);
      String role = c.getString("role", "user");
      if (!"user".equals(role) && !"model".equals(role)) {
        throw new BadRequest("Please use a valid role: user, model.");
      }
      String text = parts(c);
      prompt.append(text).append('\n');
      if ("user".equals(role)) {
        question = text;
      }
    }
    return new SimRequest(model, prompt.toString(), question, stream, true);
  }

  private static String parts(JsonObject content) {
    StringBuilder sb = new StringBuilder();
    JsonArray parts = content.getJsonArray("parts", new JsonArray());
    for (int i = 0; i < parts.size(); i++) {
      sb.append(parts.getJsonObject(i).getString("text", ""));
    }
    return sb.toString();
  }

  @Override
  public String presentedKey(HttpServerRequest request) {
    String header = request.getHeader("x-goog-api-key");
    return header != null ? header : request.getParam("key");
  }

  @Override
  public JsonObject completion(SimRequest request, Answer answer) {
    return response(request, answer.text(), finish(answer), answer.completionTokens());
  }

  @Override
  public List<String> streamEvents(SimRequest request, Answer answer) {
    List<String> events = new ArrayList<>();
    List<String> pieces = WireFormat.pieces(answer.text());
    if (pieces.isEmpty()) {
      pieces = List.of("");
    }
    for (int i = 0; i < pieces.size(); i++) {
      boolean last = i == pieces.size() - 1;
      events.add(
          WireFormat.sse(
              null,
              response(
                  request,
                  pieces.get(i),
                  last ? finish(answer) : null,
                  last ? answer.completionTokens() : 0)));
    }
    return events;
  }

  @Override
  public int preambleEvents() {
    return 0;
  }

  private static JsonObject response(
      SimRequest request, String text, String finishReason, int completionTokens) {
    JsonObject candidate =
        new JsonObject()
            .put(
                "content",
                new JsonObject()
                    .put("role", "model")
                    .put("parts", new JsonArray().add(new JsonObject().put("text", text))))
            .put("index", 0);
    if (finishReason != null) {
      candidate.put("finishReason", finishReason);
    }
    return new JsonObject()
        .put("candidates", new JsonArray().add(candidate))
        .put(
            "usageMetadata",
            new JsonObject()
                .put("promptTokenCount", request.promptTokens())
                .put("candidatesTokenCount", completionTokens)
                .put("totalTokenCount", request.promptTokens() + completionTokens))
        .put("modelVersion", request.model())
        .put("responseId", "sim");
  }

  private static String finish(Answer answer) {
    return "length".equals(answer.finish()) ? "MAX_TOKENS" : "STOP";
  }

  @Override
  public int status(ErrorKind kind, int serverStatus) {
    return switch (kind) {
      case AUTH, CONTEXT, INVALID -> 400;
      case RATE_LIMIT -> 429;
      case SERVER -> serverStatus;
    };
  }

  @Override
  public JsonObject error(ErrorKind kind, String message) {
    JsonObject e = new JsonObject().put("message", message);
    switch (kind) {
      case AUTH ->
          e.put("code", 400)
              .put("status", "INVALID_ARGUMENT")
              .put(
                  "details",
                  new JsonArray()
                      .add(
                          new JsonObject()
                              .put("@type", "type.googleapis.com/google.rpc.ErrorInfo")
                              .put("reason", "API_KEY_INVALID")
                              .put("domain", "googleapis.com")));
      case RATE_LIMIT -> e.put("code", 429).put("status", "RESOURCE_EXHAUSTED");
      case SERVER -> e.put("code", 503).put("status", "UNAVAILABLE");
      case CONTEXT, INVALID -> e.put("code", 400).put("status", "INVALID_ARGUMENT");
    }
    return new JsonObject().put("error", e);
  }
}
