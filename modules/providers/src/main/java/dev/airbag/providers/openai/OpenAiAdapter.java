package dev.airbag.providers.openai;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
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
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/** OpenAI Chat Completions, and any OpenAI-compatible host given as {@code api_base}. */
public final class OpenAiAdapter implements WireAdapter {

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
  public Buffer body(ChatRequest request, Deployment deployment, boolean stream) {
    return OpenAiJson.providerBody(request, deployment.model(), stream);
  }

  @Override
  public ChatResponse response(Buffer answer) {
    Read read = JsonBytes.read(answer, p -> read(p, "message"));
    if (!read.inner()) {
      throw new DecodeException("the answer has no choices[0].message");
    }
    return new ChatResponse(
        Objects.requireNonNullElse(read.id(), "chatcmpl"),
        Objects.requireNonNullElse(read.model(), ""),
        Objects.requireNonNullElse(read.text(), ""),
        OpenAiJson.finishReason(read.finish()),
        Objects.requireNonNullElse(read.usage(), new Usage(0, 0)));
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

  /** What a {@code chat.completion} or one of its chunks holds for Airbag; null where absent. */
  private record Read(
      String id,
      String model,
      boolean choice,
      boolean inner,
      String text,
      String finish,
      Usage usage,
      String error) {}

  /**
   * A {@code chat.completion} or a {@code chat.completion.chunk} read token by token, keeping only
   * what a {@link ChatResponse} or a {@link ChatChunk} holds: a stream decodes one per token and
   * every answer one whole, and building each as a tree of maps was most of its cost. What it
   * reads: {@code id}, {@code model}, {@code error.message}, the first choice's {@code
   * finish_reason} and the content of its {@code inner} object ({@code message} in a whole answer,
   * {@code delta} in a chunk), and {@code usage}; everything else is skipped. A value of the wrong
   * type is a {@link DecodeException}.
   */
  private static Read read(JsonParser p, String inner) throws IOException {
    JsonBytes.expect(p.nextToken(), JsonToken.START_OBJECT, "chat.completion");
    String id = null;
    String model = null;
    String text = null;
    String finish = null;
    Usage usage = null;
    String error = null;
    boolean choice = false;
    boolean innerSeen = false;
    while (JsonBytes.nextField(p)) {
      String field = p.currentName();
      JsonToken value = p.currentToken();
      switch (field) {
        case "id" -> id = JsonBytes.string(p, value, field);
        case "model" -> model = JsonBytes.string(p, value, field);
        case "error" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          error =
              Objects.requireNonNullElse(JsonBytes.readStrings(p, "message")[0], "error in stream");
        }
        case "usage" -> {
          JsonBytes.expect(value, JsonToken.START_OBJECT, field);
          usage = JsonBytes.readUsage(p, "prompt_tokens", "completion_tokens");
        }
        case "choices" -> {
          JsonBytes.expect(value, JsonToken.START_ARRAY, field);
          choice = JsonBytes.enterFirstObject(p, "choices[0]");
          if (choice) {
            while (JsonBytes.nextField(p)) {
              String name = p.currentName();
              JsonToken v = p.currentToken();
              if (name.equals("finish_reason")) {
                finish = JsonBytes.string(p, v, name);
              } else if (name.equals(inner)) {
                JsonBytes.expect(v, JsonToken.START_OBJECT, name);
                text = JsonBytes.readStrings(p, "content")[0];
                innerSeen = true;
              } else {
                p.skipChildren();
              }
            }
            JsonBytes.skipRestOfArray(p); // only the first choice is read: Airbag asks for one
          }
        }
        default -> p.skipChildren();
      }
    }
    return new Read(id, model, choice, innerSeen, text, finish, usage, error);
  }

  /**
   * One {@code chat.completion.chunk}: what it tells the stream, to be told once the whole chunk
   * was read.
   */
  static Consumer<StreamSink> decodeChunk(JsonParser p) throws IOException {
    Read read = read(p, "delta");
    if (read.error() != null) {
      ProviderException failure = new ProviderException(Outcome.SERVER_ERROR, 0, read.error(), -1);
      return sink -> sink.fail(failure);
    }
    Optional<Usage> reported = Optional.ofNullable(read.usage());
    if (!read.choice()) {
      return read.usage() == null
          ? NOTHING
          : sink -> sink.chunk(new ChatChunk("", Optional.empty(), reported));
    }
    String text = read.text();
    if ((text == null || text.isEmpty()) && read.finish() == null && read.usage() == null) {
      return NOTHING;
    }
    ChatChunk chunk =
        new ChatChunk(
            text == null ? "" : text,
            Optional.ofNullable(read.finish()).map(OpenAiJson::finishReason),
            reported);
    return sink -> sink.chunk(chunk);
  }

  private static final Consumer<StreamSink> NOTHING = sink -> {};

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
