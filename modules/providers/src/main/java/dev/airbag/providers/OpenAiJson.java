package dev.airbag.providers;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * OpenAI Chat Completions JSON, both as Airbag's public API (what SDKs send us and read back) and as
 * the OpenAI provider's wire format.
 */
public final class OpenAiJson {

  private OpenAiJson() {}

  /** Reads a caller's request, refusing what Airbag cannot serve with a message naming the parameter. */
  public static ChatRequest request(JsonObject body) {
    Object modelValue = body.getValue("model");
    if (!(modelValue instanceof String model) || model.isBlank()) {
      throw new InvalidRequest("model", "you must provide a model parameter");
    }
    Object messagesValue = body.getValue("messages");
    if (!(messagesValue instanceof JsonArray array) || array.isEmpty()) {
      throw new InvalidRequest("messages", "'messages' must be a non-empty array");
    }
    List<ChatMessage> messages = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String param = "messages[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject m)) {
        throw new InvalidRequest(param, param + " must be an object");
      }
      Role role = switch (String.valueOf(m.getValue("role"))) {
        case "system", "developer" -> Role.SYSTEM;
        case "user" -> Role.USER;
        case "assistant" -> Role.ASSISTANT;
        default -> throw new InvalidRequest(param + ".role",
            "Invalid value for '" + param + ".role': expected system, developer, user or assistant");
      };
      messages.add(new ChatMessage(role, content(m.getValue("content"), param + ".content")));
    }
    Object n = body.getValue("n");
    if (n != null && !(n instanceof Number num && num.intValue() == 1)) {
      throw new InvalidRequest("n", "only n=1 is supported");
    }
    OptionalInt maxTokens = optionalInt(body, "max_completion_tokens");
    if (maxTokens.isEmpty()) {
      maxTokens = optionalInt(body, "max_tokens");
    }
    return new ChatRequest(model, List.copyOf(messages), maxTokens,
        optionalDouble(body, "temperature", 0, 2), optionalDouble(body, "top_p", 0, 1), stop(body.getValue("stop")),
        bool(body, "stream"), Optional.ofNullable(body.getValue("user")).map(String::valueOf));
  }

  private static String content(Object value, String param) {
    if (value instanceof String s) {
      return s;
    }
    if (value == null) {
      return "";
    }
    if (value instanceof JsonArray parts) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        if (!(parts.getValue(i) instanceof JsonObject part) || !"text".equals(part.getString("type"))) {
          throw new InvalidRequest(param + "[" + i + "]", "only text content parts are supported");
        }
        sb.append(part.getString("text", ""));
      }
      return sb.toString();
    }
    throw new InvalidRequest(param, param + " must be a string or an array of text parts");
  }

  private static OptionalInt optionalInt(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return OptionalInt.empty();
    }
    if (!(v instanceof Number num) || num.doubleValue() < 1 || num.doubleValue() != Math.floor(num.doubleValue())) {
      throw new InvalidRequest(key, key + " must be a positive integer");
    }
    return OptionalInt.of(num.intValue());
  }

  private static OptionalDouble optionalDouble(JsonObject body, String key, double min, double max) {
    Object v = body.getValue(key);
    if (v == null) {
      return OptionalDouble.empty();
    }
    if (!(v instanceof Number num) || num.doubleValue() < min || num.doubleValue() > max) {
      throw new InvalidRequest(key, key + " must be a number between " + min + " and " + max);
    }
    return OptionalDouble.of(num.doubleValue());
  }

  private static boolean bool(JsonObject body, String key) {
    Object v = body.getValue(key);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw new InvalidRequest(key, key + " must be true or false");
    }
    return b;
  }

  private static List<String> stop(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof JsonArray a && a.size() <= 4 && a.stream().allMatch(String.class::isInstance)) {
      return a.stream().map(String.class::cast).toList();
    }
    throw new InvalidRequest("stop", "stop must be a string or an array of at most 4 strings");
  }

  /** The request body the OpenAI provider receives. */
  public static JsonObject providerBody(ChatRequest request, String model, boolean stream) {
    JsonArray messages = new JsonArray();
    for (ChatMessage m : request.messages()) {
      messages.add(new JsonObject().put("role", m.role().name().toLowerCase(Locale.ROOT)).put("content", m.content()));
    }
    JsonObject body = new JsonObject().put("model", model).put("messages", messages);
    request.maxTokens().ifPresent(t -> body.put(usesMaxCompletionTokens(model) ? "max_completion_tokens" : "max_tokens", t));
    request.temperature().ifPresent(t -> body.put("temperature", t));
    request.topP().ifPresent(t -> body.put("top_p", t));
    if (!request.stop().isEmpty()) {
      body.put("stop", new JsonArray(request.stop()));
    }
    request.user().ifPresent(u -> body.put("user", u));
    if (stream) {
      body.put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    }
    return body;
  }

  /** OpenAI's reasoning models refuse {@code max_tokens}. */
  private static boolean usesMaxCompletionTokens(String model) {
    return model.startsWith("o1") || model.startsWith("o3") || model.startsWith("o4") || model.startsWith("gpt-5");
  }

  /** A {@code chat.completion} as SDKs expect it, as a tree: an answer over the event bus, the canned one. */
  public static JsonObject completion(ChatResponse response, String model, long created) {
    return new JsonObject(appendCompletion(Buffer.buffer(), response, model, created));
  }

  /**
   * Appends a {@code chat.completion} as SDKs expect it, written field by field: every answer over HTTP
   * is one, and building it as a tree first made it twice the garbage.
   */
  public static Buffer appendCompletion(Buffer to, ChatResponse response, String model, long created) {
    return JsonBytes.append(to, g -> {
      writeChoiceStart(g, response.id(), "chat.completion", created, model);
      g.writeObjectFieldStart("message");
      g.writeStringField("role", "assistant");
      g.writeStringField("content", response.content());
      g.writeEndObject();
      writeChoiceEnd(g, response.finishReason().wire());
      g.writeObjectFieldStart("usage");
      g.writeNumberField("prompt_tokens", response.usage().promptTokens());
      g.writeNumberField("completion_tokens", response.usage().completionTokens());
      g.writeNumberField("total_tokens", response.usage().totalTokens());
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  /**
   * Appends one {@code chat.completion.chunk} as a server-sent event; {@code first} carries the assistant
   * role as OpenAI's first chunk does. Written field by field, not built as a tree and then encoded: a
   * stream writes one per token.
   */
  public static Buffer appendChunkEvent(Buffer to, String id, String model, long created, ChatChunk chunk, boolean first) {
    return JsonBytes.appendEvent(to, g -> {
      writeChoiceStart(g, id, "chat.completion.chunk", created, model);
      g.writeObjectFieldStart("delta");
      if (first) {
        g.writeStringField("role", "assistant");
      }
      if (!chunk.text().isEmpty() || first) {
        g.writeStringField("content", chunk.text());
      }
      g.writeEndObject();
      writeChoiceEnd(g, chunk.finishReason().map(FinishReason::wire).orElse(null));
      g.writeEndObject();
    });
  }

  /** Opens an answer or a chunk, up to its one choice's index: the fields the two begin with. */
  private static void writeChoiceStart(JsonGenerator g, String id, String object, long created, String model) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", object);
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    g.writeArrayFieldStart("choices");
    g.writeStartObject();
    g.writeNumberField("index", 0);
  }

  /** Closes the one choice of an answer or a chunk: its logprobs (none) and finish reason (null while it goes on). */
  private static void writeChoiceEnd(JsonGenerator g, String finishReason) throws IOException {
    g.writeNullField("logprobs");
    g.writeStringField("finish_reason", finishReason);
    g.writeEndObject();
    g.writeEndArray();
  }

  /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is set. */
  public static JsonObject usageChunk(String id, String model, long created, Usage usage) {
    return new JsonObject().put("id", id).put("object", "chat.completion.chunk").put("created", created)
        .put("model", model).put("choices", new JsonArray()).put("usage", usage(usage));
  }

  public static JsonObject usage(Usage usage) {
    return new JsonObject().put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens()).put("total_tokens", usage.totalTokens());
  }

  /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
  public static JsonObject error(String message, String type, String param, String code) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("type", type)
        .put("param", param).put("code", code));
  }

  static FinishReason finishReason(String wire) {
    if (wire == null) {
      return FinishReason.STOP;
    }
    return switch (wire) {
      case "length" -> FinishReason.LENGTH;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
      default -> FinishReason.STOP;
    };
  }
}
