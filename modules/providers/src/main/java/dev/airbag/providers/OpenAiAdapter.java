package dev.airbag.providers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.config.Deployment;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

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
  public ChatResponse response(Buffer answer) {
    JsonObject body = answer.toJsonObject();
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
      JsonBytes.read(data, OpenAiAdapter::decodeChunk).accept(sink);
    };
  }

  /**
   * One {@code chat.completion.chunk} read token by token, keeping only what a {@link ChatChunk} holds:
   * a stream decodes one per token, and building each as a tree of maps was most of its cost. What it
   * reads: {@code error.message}, the first choice's {@code delta.content} and {@code finish_reason}, and
   * {@code usage}; everything else is skipped. A value of the wrong type is a {@link DecodeException}.
   * Returns what the chunk tells the stream, to be told once the whole chunk was read.
   */
  static Consumer<StreamSink> decodeChunk(JsonParser p) throws IOException {
    JsonBytes.expect(p.nextToken(), JsonToken.START_OBJECT, "chunk");
    String text = null;
    String finish = null;
    Usage usage = null;
    String error = null;
    boolean choice = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (value == JsonToken.VALUE_NULL) {
        continue;
      }
      switch (field) {
        case "error" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          error = Objects.requireNonNullElse(JsonBytes.readStrings(p, "message")[0], "error in stream");
        }
        case "usage" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          usage = JsonBytes.readUsage(p, "prompt_tokens", "completion_tokens");
        }
        case "choices" -> {
          JsonBytes.expect(value, JsonToken.START_ARRAY, field);
          choice = JsonBytes.enterFirstObject(p, "choices[0]");
          if (choice) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String name = p.currentName();
              JsonToken inner = p.nextToken();
              if (inner == JsonToken.VALUE_NULL) {
                continue;
              }
              switch (name) {
                case "finish_reason" -> {
                  JsonBytes.expect(inner, JsonToken.VALUE_STRING, name);
                  finish = p.getText();
                }
                case "delta" -> {
                  JsonBytes.expect(inner, JsonToken.START_OBJECT, name);
                  text = JsonBytes.readStrings(p, "content")[0];
                }
                default -> p.skipChildren();
              }
            }
            JsonBytes.skipRestOfArray(p); // only the first choice is read: Airbag asks for one
          }
        }
        default -> p.skipChildren();
      }
    }
    if (error != null) {
      ProviderException failure = new ProviderException(Outcome.SERVER_ERROR, 0, error, -1);
      return sink -> sink.fail(failure);
    }
    Optional<Usage> reported = Optional.ofNullable(usage);
    if (!choice) {
      return usage == null ? NOTHING : sink -> sink.chunk(new ChatChunk("", Optional.empty(), reported));
    }
    if ((text == null || text.isEmpty()) && finish == null && usage == null) {
      return NOTHING;
    }
    ChatChunk chunk = new ChatChunk(text == null ? "" : text,
        finish == null ? Optional.empty() : Optional.of(OpenAiJson.finishReason(finish)), reported);
    return sink -> sink.chunk(chunk);
  }

  private static final Consumer<StreamSink> NOTHING = sink -> { };

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
