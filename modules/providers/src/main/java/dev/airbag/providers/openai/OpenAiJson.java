package dev.airbag.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.InvalidRequest;
import dev.airbag.core.chat.Role;
import dev.airbag.core.chat.Usage;
import dev.airbag.providers.json.JsonBytes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * OpenAI Chat Completions JSON, both as Airbag's public API (what SDKs send us and read back) and
 * as the OpenAI provider's wire format.
 */
public final class OpenAiJson {

  private OpenAiJson() {}

  /**
   * A caller's request as read: the request, and whether a stream's {@code stream_options} ask for
   * usage.
   */
  public record CallerRequest(ChatRequest chat, boolean includeUsage) {}

  /**
   * Reads a caller's request from its JSON, refusing what Airbag cannot serve with an {@link
   * InvalidRequest} naming the parameter; JSON that does not parse is a {@link
   * io.vertx.core.json.DecodeException}. Read token by token, not as a tree: every request is one,
   * and a tree of it is garbage on the healthy path. The parameters are read first and checked
   * after, in a fixed order, so which one a request with several wrong is refused for does not
   * depend on the order of its fields.
   */
  public static CallerRequest request(Buffer body) {
    if (!JsonBytes.isUtf8(body)) {
      // Jackson decodes an overlong form (C0 AF for '/') as the character it disguises.
      throw new InvalidRequest(null, "The request body is not valid UTF-8.");
    }
    Raw raw = JsonBytes.read(body, OpenAiJson::readRequest);
    if (raw == null) {
      throw new InvalidRequest(null, "The request body must be a JSON object.");
    }
    return raw.check();
  }

  /** A message, not an object, in the caller's array. */
  private static final Object NOT_AN_OBJECT = new Object();

  /** One message of a caller's request as sent: its role and content, whatever their types. */
  private record RawMessage(Object role, Object content) {}

  /** The parameters of a caller's request as sent, whatever their types; null when absent. */
  private static final class Raw {
    Object model;
    Object messages;
    Object n;
    Object maxCompletionTokens;
    Object maxTokens;
    Object temperature;
    Object topP;
    Object stop;
    Object stream;
    Object user;
    boolean includeUsage;

    CallerRequest check() {
      if (!(model instanceof String name) || name.isBlank()) {
        throw new InvalidRequest("model", "you must provide a model parameter");
      }
      if (!(messages instanceof List<?> list) || list.isEmpty()) {
        throw new InvalidRequest("messages", "'messages' must be a non-empty array");
      }
      List<ChatMessage> read = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        String param = "messages[" + i + "]";
        if (!(list.get(i) instanceof RawMessage m)) {
          throw new InvalidRequest(param, param + " must be an object");
        }
        Role role =
            switch (String.valueOf(m.role())) {
              case "system", "developer" -> Role.SYSTEM;
              case "user" -> Role.USER;
              case "assistant" -> Role.ASSISTANT;
              default ->
                  throw new InvalidRequest(
                      param + ".role",
                      "Invalid value for '"
                          + param
                          + ".role': expected system, developer, user or assistant");
            };
        read.add(new ChatMessage(role, content(m.content(), param + ".content")));
      }
      if (n != null && !(n instanceof Number num && isInt(num) && num.intValue() == 1)) {
        throw new InvalidRequest("n", "only n=1 is supported");
      }
      OptionalInt max = optionalInt(maxCompletionTokens, "max_completion_tokens");
      if (max.isEmpty()) {
        max = optionalInt(maxTokens, "max_tokens");
      }
      OptionalDouble t = optionalDouble(temperature, "temperature", 0, 2);
      OptionalDouble p = optionalDouble(topP, "top_p", 0, 1);
      List<String> stops = stop(stop);
      if (stream != null && !(stream instanceof Boolean)) {
        throw new InvalidRequest("stream", "stream must be true or false");
      }
      if (user != null && !(user instanceof String)) {
        throw new InvalidRequest("user", "user must be a string");
      }
      ChatRequest chat =
          new ChatRequest(
              name,
              List.copyOf(read),
              max,
              t,
              p,
              stops,
              Boolean.TRUE.equals(stream),
              Optional.ofNullable((String) user));
      return new CallerRequest(chat, includeUsage);
    }
  }

  /**
   * The parameters of the object the parser is about to start, or null when the JSON is of another
   * type.
   */
  private static Raw readRequest(JsonParser p) throws IOException {
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    Raw raw = new Raw();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "model" -> raw.model = JacksonCodec.parseValue(p);
        case "messages" ->
            raw.messages =
                value == JsonToken.START_ARRAY ? readMessages(p) : JacksonCodec.parseValue(p);
        case "n" -> raw.n = JacksonCodec.parseValue(p);
        case "max_completion_tokens" -> raw.maxCompletionTokens = JacksonCodec.parseValue(p);
        case "max_tokens" -> raw.maxTokens = JacksonCodec.parseValue(p);
        case "temperature" -> raw.temperature = JacksonCodec.parseValue(p);
        case "top_p" -> raw.topP = JacksonCodec.parseValue(p);
        case "stop" -> raw.stop = JacksonCodec.parseValue(p);
        case "stream" -> raw.stream = JacksonCodec.parseValue(p);
        case "user" -> raw.user = JacksonCodec.parseValue(p);
        case "stream_options" -> {
          raw.includeUsage = value == JsonToken.START_OBJECT && readIncludeUsage(p);
          p.skipChildren(); // on anything else (on the object's end, nothing)
        }
        default -> p.skipChildren();
      }
    }
    return raw;
  }

  /**
   * The messages of the array the parser is on: each a {@link RawMessage}, or {@link
   * #NOT_AN_OBJECT}.
   */
  private static List<Object> readMessages(JsonParser p) throws IOException {
    List<Object> messages = new ArrayList<>();
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        p.skipChildren();
        messages.add(NOT_AN_OBJECT);
        continue;
      }
      Object role = null;
      Object content = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        switch (name) {
          case "role" -> role = JacksonCodec.parseValue(p);
          case "content" -> content = JacksonCodec.parseValue(p);
          default -> p.skipChildren();
        }
      }
      messages.add(new RawMessage(role, content));
    }
    return messages;
  }

  /**
   * Whether the {@code stream_options} object the parser is on holds {@code include_usage: true}.
   */
  private static boolean readIncludeUsage(JsonParser p) throws IOException {
    boolean include = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals("include_usage")) {
        include = value == JsonToken.VALUE_TRUE;
      }
      p.skipChildren();
    }
    return include;
  }

  private static String content(Object value, String param) {
    if (value instanceof String s) {
      return s;
    }
    if (value == null) {
      return "";
    }
    if (value instanceof List<?> parts) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        if (!(parts.get(i) instanceof Map<?, ?> part)
            || !"text".equals(part.get("type"))
            || part.get("text") != null && !(part.get("text") instanceof String)) {
          throw new InvalidRequest(param + "[" + i + "]", "only text content parts are supported");
        }
        sb.append(part.get("text") == null ? "" : (String) part.get("text"));
      }
      return sb.toString();
    }
    throw new InvalidRequest(param, param + " must be a string or an array of text parts");
  }

  private static OptionalInt optionalInt(Object v, String key) {
    if (v == null) {
      return OptionalInt.empty();
    }
    if (!(v instanceof Number num) || !isInt(num) || num.intValue() < 1) {
      throw new InvalidRequest(
          key, key + " must be a positive integer of at most " + Integer.MAX_VALUE);
    }
    return OptionalInt.of(num.intValue());
  }

  /** Whether {@code num} is a whole number an int holds: no wrap-around, no truncation. */
  private static boolean isInt(Number num) {
    if (num instanceof Integer || num instanceof Short || num instanceof Byte) {
      return true;
    }
    if (num instanceof Long l) {
      return l == l.intValue();
    }
    if (num instanceof java.math.BigInteger b) {
      return b.bitLength() < Integer.SIZE;
    }
    double d = num.doubleValue();
    return d == Math.rint(d) && d >= Integer.MIN_VALUE && d <= Integer.MAX_VALUE;
  }

  private static OptionalDouble optionalDouble(Object v, String key, double min, double max) {
    if (v == null) {
      return OptionalDouble.empty();
    }
    if (!(v instanceof Number num) || num.doubleValue() < min || num.doubleValue() > max) {
      throw new InvalidRequest(key, key + " must be a number between " + min + " and " + max);
    }
    return OptionalDouble.of(num.doubleValue());
  }

  private static List<String> stop(Object value) {
    if (value == null) {
      return List.of();
    }
    if (value instanceof String s) {
      return List.of(s);
    }
    if (value instanceof List<?> a
        && a.size() <= 4
        && a.stream().allMatch(String.class::isInstance)) {
      return a.stream().map(String.class::cast).toList();
    }
    throw new InvalidRequest("stop", "stop must be a string or an array of at most 4 strings");
  }

  /**
   * The request body the OpenAI provider receives, written field by field: every call to an OpenAI
   * host sends one, and building it as a tree first and then encoding it cost twice the time.
   */
  public static Buffer providerBody(ChatRequest request, String model, boolean stream) {
    return JsonBytes.append(
        Buffer.buffer(256),
        g -> {
          g.writeStartObject();
          g.writeStringField("model", model);
          g.writeArrayFieldStart("messages");
          for (ChatMessage m : request.messages()) {
            g.writeStartObject();
            g.writeStringField("role", wire(m.role()));
            g.writeStringField("content", m.content());
            g.writeEndObject();
          }
          g.writeEndArray();
          if (request.maxTokens().isPresent()) {
            g.writeNumberField(
                usesMaxCompletionTokens(model) ? "max_completion_tokens" : "max_tokens",
                request.maxTokens().getAsInt());
          }
          if (request.temperature().isPresent()) {
            g.writeNumberField("temperature", request.temperature().getAsDouble());
          }
          if (request.topP().isPresent()) {
            g.writeNumberField("top_p", request.topP().getAsDouble());
          }
          if (!request.stop().isEmpty()) {
            g.writeArrayFieldStart("stop");
            for (String stop : request.stop()) {
              g.writeString(stop);
            }
            g.writeEndArray();
          }
          if (request.user().isPresent()) {
            g.writeStringField("user", request.user().get());
          }
          if (stream) {
            g.writeBooleanField("stream", true);
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
          }
          g.writeEndObject();
        });
  }

  private static String wire(Role role) {
    return switch (role) {
      case SYSTEM -> "system";
      case USER -> "user";
      case ASSISTANT -> "assistant";
    };
  }

  /** OpenAI's reasoning models refuse {@code max_tokens}. */
  private static boolean usesMaxCompletionTokens(String model) {
    return model.startsWith("o1")
        || model.startsWith("o3")
        || model.startsWith("o4")
        || model.startsWith("gpt-5");
  }

  /**
   * A {@code chat.completion} as SDKs expect it, as a tree: an answer over the event bus, the
   * canned one.
   */
  public static JsonObject completion(ChatResponse response, String model, long created) {
    return new JsonObject(appendCompletion(Buffer.buffer(), response, model, created));
  }

  /**
   * Appends a {@code chat.completion} as SDKs expect it, written field by field: every answer over
   * HTTP is one, and building it as a tree first made it twice the garbage.
   */
  public static Buffer appendCompletion(
      Buffer to, ChatResponse response, String model, long created) {
    return JsonBytes.append(
        to,
        g -> {
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
   * Appends one {@code chat.completion.chunk} as a server-sent event; {@code first} carries the
   * assistant role as OpenAI's first chunk does. Written field by field, not built as a tree and
   * then encoded: a stream writes one per token.
   */
  public static Buffer appendChunkEvent(
      Buffer to, String id, String model, long created, ChatChunk chunk, boolean first) {
    return JsonBytes.appendEvent(
        to,
        g -> {
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
  private static void writeChoiceStart(
      JsonGenerator g, String id, String object, long created, String model) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", id);
    g.writeStringField("object", object);
    g.writeNumberField("created", created);
    g.writeStringField("model", model);
    g.writeArrayFieldStart("choices");
    g.writeStartObject();
    g.writeNumberField("index", 0);
  }

  /**
   * Closes the one choice of an answer or a chunk: its logprobs (none) and finish reason (null
   * while it goes on).
   */
  private static void writeChoiceEnd(JsonGenerator g, String finishReason) throws IOException {
    g.writeNullField("logprobs");
    g.writeStringField("finish_reason", finishReason);
    g.writeEndObject();
    g.writeEndArray();
  }

  /** The usage-only chunk OpenAI sends last when {@code stream_options.include_usage} is set. */
  public static JsonObject usageChunk(String id, String model, long created, Usage usage) {
    return new JsonObject()
        .put("id", id)
        .put("object", "chat.completion.chunk")
        .put("created", created)
        .put("model", model)
        .put("choices", new JsonArray())
        .put("usage", usage(usage));
  }

  public static JsonObject usage(Usage usage) {
    return new JsonObject()
        .put("prompt_tokens", usage.promptTokens())
        .put("completion_tokens", usage.completionTokens())
        .put("total_tokens", usage.totalTokens());
  }

  /** OpenAI's error body: {@code {"error": {"message", "type", "param", "code"}}}. */
  public static JsonObject error(String message, String type, String param, String code) {
    return new JsonObject()
        .put(
            "error",
            new JsonObject()
                .put("message", message)
                .put("type", type)
                .put("param", param)
                .put("code", code));
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
