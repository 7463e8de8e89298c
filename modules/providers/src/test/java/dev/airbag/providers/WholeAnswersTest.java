package dev.airbag.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airbag.core.chat.ChatResponse;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Usage;
import dev.airbag.providers.anthropic.AnthropicAdapter;
import dev.airbag.providers.openai.OpenAiAdapter;
import dev.airbag.providers.openai.OpenAiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's and Anthropic's whole answers, read token by token rather than as trees: what a real
 * answer carries besides the text (tool calls, logprobs, annotations, thinking, cache counts) is
 * skipped, what is not in the documented shape is refused, and the answer Airbag writes back is the
 * JSON OpenAI sends.
 */
class WholeAnswersTest {

  private static JsonObject openAiAnswer(JsonArray choices) {
    return new JsonObject()
        .put("id", "chatcmpl-7")
        .put("object", "chat.completion")
        .put("created", 1_764_600_000L)
        .put("model", "gpt-4o-mini-2024-07-18")
        .put("choices", choices)
        .put("system_fingerprint", "fp_1")
        .put("service_tier", "default")
        .put(
            "usage",
            new JsonObject()
                .put("prompt_tokens", 19)
                .put("completion_tokens", 10)
                .put("total_tokens", 29)
                .put(
                    "prompt_tokens_details",
                    new JsonObject().put("cached_tokens", 0).put("audio_tokens", 0)));
  }

  private static JsonObject openAiChoice(int index, Object content, String finish) {
    return new JsonObject()
        .put("index", index)
        .put(
            "message",
            new JsonObject()
                .put("role", "assistant")
                .put("content", content)
                .put("refusal", null)
                .put("annotations", new JsonArray())
                .put(
                    "tool_calls",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("id", "call_1")
                                .put("type", "function")
                                .put(
                                    "function",
                                    new JsonObject()
                                        .put("name", "f")
                                        .put("arguments", "{\"a\":[1,{}]}")))))
        .put(
            "logprobs",
            new JsonObject()
                .put(
                    "content",
                    new JsonArray().add(new JsonObject().put("token", "x").put("logprob", -0.1))))
        .put("finish_reason", finish);
  }

  @Test
  void openAisAnswerIsReadAndTheRestSkipped() {
    String text = "Café \"quoted\"\n 要約 🐝";
    JsonArray choices =
        new JsonArray()
            .add(openAiChoice(0, text, "length"))
            .add(openAiChoice(1, "the second", "stop"));

    assertThat(new OpenAiAdapter().response(openAiAnswer(choices).toBuffer()))
        .isEqualTo(
            new ChatResponse(
                "chatcmpl-7",
                "gpt-4o-mini-2024-07-18",
                text,
                FinishReason.LENGTH,
                new Usage(19, 10)));
    // What a compatible host may leave out: a null content (a tool call), no id, model or usage.
    assertThat(
            new OpenAiAdapter()
                .response(
                    Buffer.buffer(
                        "{\"choices\":[{\"message\":{\"content\":null},\"finish_reason\":\"tool_calls\"}]}")))
        .isEqualTo(new ChatResponse("chatcmpl", "", "", FinishReason.TOOL_CALLS, new Usage(0, 0)));
  }

  @Test
  void anthropicsTextBlocksAreJoinedAndOtherBlocksSkipped() {
    JsonObject message =
        new JsonObject()
            .put("id", "msg_01")
            .put("type", "message")
            .put("role", "assistant")
            .put("model", "claude-sonnet-4-5-20250929")
            .put(
                "content",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("type", "thinking")
                            .put("thinking", "Let me see.")
                            .put("signature", "sig"))
                    .add(
                        new JsonObject()
                            .put("type", "text")
                            .put("text", "Tides ")
                            .put("citations", null))
                    .add(
                        new JsonObject()
                            .put("type", "tool_use")
                            .put("id", "toolu_1")
                            .put("name", "f")
                            .put("input", new JsonObject().put("q", 1)))
                    .add(new JsonObject().put("type", "text").put("text", "rise.")))
            .put("stop_reason", "max_tokens")
            .put("stop_sequence", null)
            .put(
                "usage",
                new JsonObject()
                    .put("input_tokens", 21)
                    .put("cache_creation_input_tokens", 0)
                    .put("output_tokens", 7)
                    .put("service_tier", "standard"));

    assertThat(new AnthropicAdapter().response(message.toBuffer()))
        .isEqualTo(
            new ChatResponse(
                "msg_01",
                "claude-sonnet-4-5-20250929",
                "Tides rise.",
                FinishReason.LENGTH,
                new Usage(21, 7)));
    assertThat(new AnthropicAdapter().response(Buffer.buffer("{\"content\":[]}")))
        .isEqualTo(new ChatResponse("msg", "", "", FinishReason.STOP, new Usage(0, 0)));
  }

  @Test
  void anAnswerNotInItsDocumentedShapeIsRefused() {
    for (String bad :
        List.of(
            "{}",
            "{\"choices\":[]}",
            "{\"choices\":[{\"finish_reason\":\"stop\"}]}",
            "{\"choices\":{}}",
            "{\"choices\":[{\"message\":{\"content\":3}}]}",
            "{\"choices\":[{\"message\":\"hi\"}]}",
            "{\"choices\":[7]}",
            "{\"id\":1,\"choices\":[{\"message\":{}}]}",
            "{\"choices\":[{\"message\":{}}]} {}",
            "{\"choices\":[{\"message\":{",
            "[]",
            "")) {
      assertThatThrownBy(() -> new OpenAiAdapter().response(Buffer.buffer(bad)))
          .as(bad)
          .isInstanceOf(DecodeException.class);
    }
    for (String bad :
        List.of(
            "{}",
            "{\"content\":{}}",
            "{\"content\":[\"text\"]}",
            "{\"content\":[{\"type\":\"text\",\"text\":3}]}",
            "{\"content\":[],\"stop_reason\":1}",
            "{\"content\":[],\"usage\":[]}",
            "{\"content\":[]}x",
            "{\"content\":[{")) {
      assertThatThrownBy(() -> new AnthropicAdapter().response(Buffer.buffer(bad)))
          .as(bad)
          .isInstanceOf(DecodeException.class);
    }
  }

  @Test
  void anAnswerWrittenBackIsTheJsonOpenAiSends() {
    ChatResponse answer =
        new ChatResponse(
            "chatcmpl-1",
            "gpt-4o",
            "Café \"quoted\"\n 要約 🐝",
            FinishReason.CONTENT_FILTER,
            new Usage(12, 30));

    Buffer written =
        OpenAiJson.appendCompletion(Buffer.buffer("prefix:"), answer, "summarize", 1_764_600_000L);

    JsonObject expected =
        new JsonObject()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion")
            .put("created", 1_764_600_000L)
            .put("model", "summarize")
            .put(
                "choices",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("index", 0)
                            .put(
                                "message",
                                new JsonObject()
                                    .put("role", "assistant")
                                    .put("content", answer.content()))
                            .put("logprobs", null)
                            .put("finish_reason", "content_filter")))
            .put(
                "usage",
                new JsonObject()
                    .put("prompt_tokens", 12)
                    .put("completion_tokens", 30)
                    .put("total_tokens", 42));
    assertThat(written.toString())
        .isEqualTo("prefix:" + expected.toBuffer()); // as Vert.x writes bytes
    assertThat(OpenAiJson.completion(answer, "summarize", 1_764_600_000L)).isEqualTo(expected);
  }
}
