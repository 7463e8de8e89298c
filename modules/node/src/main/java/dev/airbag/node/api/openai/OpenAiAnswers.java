package dev.airbag.node.api.openai;

import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.InvalidRequest;
import dev.airbag.core.chat.Usage;
import dev.airbag.node.routing.Refusal;
import dev.airbag.node.routing.RoutedAnswer;
import dev.airbag.providers.openai.OpenAiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The OpenAI dialect on both sides of a door: a caller's request read in, and any answer or refusal
 * written back.
 */
public final class OpenAiAnswers {

  private OpenAiAnswers() {}

  /** A caller's request as read, or the refusal to give instead. */
  public record Read(ChatRequest request, boolean includeUsage, Refusal refusal) {}

  /**
   * Reads a chat completions request body; a body that is not one is refused, naming the parameter.
   */
  public static Read read(Buffer body) {
    try {
      OpenAiJson.CallerRequest read = OpenAiJson.request(body);
      return new Read(read.chat(), read.includeUsage(), null);
    } catch (DecodeException e) {
      return new Read(
          null,
          false,
          Refusal.invalid(
              "We could not parse the JSON body of your request. The body must be JSON.", null));
    } catch (InvalidRequest e) {
      return new Read(null, false, Refusal.invalid(e.getMessage(), e.param()));
    }
  }

  /**
   * OpenAI's error object: {@code invalid_request_error} for the caller's mistakes, the server's
   * kinds for the rest.
   */
  public static JsonObject error(Refusal refusal) {
    String type =
        refusal.status() == 503
            ? "service_unavailable"
            : refusal.status() >= 500 ? "server_error" : "invalid_request_error";
    return OpenAiJson.error(refusal.message(), type, refusal.param(), refusal.code());
  }

  /** A served whole answer as a chat completion. */
  public static Buffer completion(RoutedAnswer.Served served, long created) {
    return OpenAiJson.appendCompletion(
        Buffer.buffer(512), served.response(), served.model(), created);
  }

  /** A served whole answer as a chat completion object, for the event bus. */
  public static JsonObject completionJson(RoutedAnswer.Served served, long created) {
    return OpenAiJson.completion(served.response(), served.model(), created);
  }

  /** Rung 3 as a chat completion: plainly the gateway speaking, never dressed up as the model. */
  public static JsonObject cannedCompletion(RoutedAnswer.Canned canned, long created) {
    ChatResponse response =
        new ChatResponse(
            "airbag-canned-" + UUID.randomUUID(),
            RoutedAnswer.Canned.MODEL,
            canned.message(),
            FinishReason.STOP,
            new Usage(0, 0));
    return OpenAiJson.completion(response, RoutedAnswer.Canned.MODEL, created)
        .put("system_fingerprint", RoutedAnswer.Canned.MODEL);
  }
}
