package dev.airbag.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.outcome.Outcome;
import dev.airbag.providers.anthropic.AnthropicAdapter;
import dev.airbag.providers.gemini.GeminiAdapter;
import dev.airbag.providers.http.ProviderException;
import dev.airbag.providers.http.StreamSink;
import dev.airbag.providers.http.WireAdapter;
import dev.airbag.providers.openai.OpenAiAdapter;
import dev.airbag.providers.openai.OpenAiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The per-token events of OpenAI, Anthropic and Gemini streams, read token by token rather than as
 * trees: what a real provider's events carry besides the text (roles, tool calls, logprobs,
 * fingerprints, thinking, safety ratings) is skipped, what is wrong is refused as malformed, and
 * the chunks Airbag writes back are the JSON OpenAI sends.
 */
class StreamChunksTest {

  private final List<ChatChunk> chunks = new ArrayList<>();
  private final List<ProviderException> failures = new ArrayList<>();
  private boolean ended;
  private final StreamSink sink =
      new StreamSink() {
        @Override
        public void chunk(ChatChunk chunk) {
          chunks.add(chunk);
        }

        @Override
        public void end() {
          ended = true;
        }

        @Override
        public void fail(ProviderException failure) {
          failures.add(failure);
        }
      };

  private void decode(String data) {
    new OpenAiAdapter().newStreamDecoder().onEvent(null, data, sink);
  }

  private void decodeAnthropic(WireAdapter.StreamDecoder decoder, String event, JsonObject data) {
    decoder.onEvent(event, data.encode(), sink);
  }

  private static JsonObject delta(JsonObject delta) {
    return new JsonObject().put("type", "content_block_delta").put("index", 0).put("delta", delta);
  }

  private static String chunk(Object delta, Object finish) {
    return new JsonObject()
        .put("id", "chatcmpl-9")
        .put("object", "chat.completion.chunk")
        .put("created", 1_764_600_000L)
        .put("model", "gpt-4o-mini")
        .put("system_fingerprint", "fp_1")
        .put("service_tier", "default")
        .put(
            "choices",
            new JsonArray()
                .add(
                    new JsonObject()
                        .put("index", 0)
                        .put("delta", delta)
                        .put(
                            "logprobs",
                            new JsonObject()
                                .put(
                                    "content",
                                    new JsonArray()
                                        .add(
                                            new JsonObject()
                                                .put("token", "x")
                                                .put("logprob", -0.1)
                                                .put("top_logprobs", new JsonArray()))))
                        .put("finish_reason", finish)))
        .put("usage", null)
        .encode();
  }

  @Test
  void theTextOfEachChunkIsReadAndTheRestSkipped() {
    decode(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    decode(
        chunk(
            new JsonObject()
                .put("content", "Café \"quoted\"\n 要約 🐝")
                .put("refusal", null)
                .put(
                    "tool_calls",
                    new JsonArray()
                        .add(
                            new JsonObject()
                                .put("index", 0)
                                .put("function", new JsonObject().put("arguments", "{")))),
            null));
    decode(chunk(new JsonObject(), "length"));
    decode(
        new JsonObject()
            .put("id", "chatcmpl-9")
            .put("choices", new JsonArray())
            .put(
                "usage",
                new JsonObject()
                    .put("prompt_tokens", 12)
                    .put("completion_tokens", 30)
                    .put("total_tokens", 42)
                    .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 0)))
            .encode());
    decode("[DONE]");

    assertThat(chunks)
        .containsExactly(
            ChatChunk.text("Café \"quoted\"\n 要約 🐝"),
            new ChatChunk("", Optional.of(FinishReason.LENGTH), Optional.empty()),
            new ChatChunk("", Optional.empty(), Optional.of(new Usage(12, 30))));
    assertThat(ended).isTrue();
    assertThat(failures).isEmpty();
  }

  @Test
  void onlyTheFirstChoiceCounts() {
    decode(
        new JsonObject()
            .put(
                "choices",
                new JsonArray()
                    .add(new JsonObject().put("delta", new JsonObject().put("content", "first")))
                    .add(
                        new JsonObject()
                            .put("delta", new JsonObject().put("content", "second"))
                            .put("finish_reason", "stop")))
            .encode());

    assertThat(chunks).containsExactly(ChatChunk.text("first"));
  }

  @Test
  void anErrorInTheStreamFailsItWithTheProvidersMessage() {
    decode(
        new JsonObject()
            .put(
                "error",
                new JsonObject()
                    .put("message", "The server had an error")
                    .put("type", "server_error")
                    .put("code", null))
            .encode());
    decode(new JsonObject().put("error", new JsonObject()).encode());

    assertThat(failures)
        .extracting(ProviderException::outcome)
        .containsExactly(Outcome.SERVER_ERROR, Outcome.SERVER_ERROR);
    assertThat(failures)
        .extracting(Throwable::getMessage)
        .containsExactly("The server had an error", "error in stream");
    assertThat(chunks).isEmpty();
  }

  @Test
  void aMalformedChunkIsRefusedNotGuessedAt() {
    for (String bad :
        List.of(
            "{\"choices\":[{\"delta\":{\"content\":42}}]}",
            "{\"choices\":[null]}",
            "{\"choices\":{\"delta\":{}}}",
            "{\"choices\":[{\"finish_reason\":1}]}",
            "{\"error\":\"boom\"}",
            "{\"error\":{\"message\":5}}",
            "{\"choices\":[{\"delta\":{\"content\":\"cut",
            "{\"choices\":[]} {}",
            "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]} x",
            "[1, 2]",
            "not json")) {
      assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(DecodeException.class);
    }
    assertThat(chunks).isEmpty();
  }

  @Test
  void anthropicsTextDeltasAreReadAndOtherDeltasSkipped() {
    WireAdapter.StreamDecoder decoder = new AnthropicAdapter().newStreamDecoder();
    decodeAnthropic(
        decoder,
        "message_start",
        new JsonObject()
            .put("type", "message_start")
            .put(
                "message",
                new JsonObject()
                    .put("id", "msg_1")
                    .put("usage", new JsonObject().put("input_tokens", 25))));
    decodeAnthropic(
        decoder,
        "content_block_start",
        new JsonObject()
            .put("type", "content_block_start")
            .put("index", 0)
            .put("content_block", new JsonObject().put("type", "text").put("text", "")));
    decodeAnthropic(
        decoder,
        "content_block_delta",
        delta(new JsonObject().put("type", "thinking_delta").put("thinking", "hmm")));
    decodeAnthropic(
        decoder,
        "content_block_delta",
        delta(
            new JsonObject()
                .put("text", "Café \"quoted\"\n 要約 🐝")
                .put("type", "text_delta")
                .put("citations", new JsonArray().add(new JsonObject().put("cited_text", "x")))));
    decodeAnthropic(
        decoder,
        "content_block_delta",
        delta(new JsonObject().put("type", "input_json_delta").put("partial_json", "{")));
    decodeAnthropic(decoder, "ping", new JsonObject().put("type", "ping"));
    decodeAnthropic(
        decoder,
        "message_delta",
        new JsonObject()
            .put("type", "message_delta")
            .put("delta", new JsonObject().put("stop_reason", "max_tokens"))
            .put("usage", new JsonObject().put("output_tokens", 9)));
    decodeAnthropic(decoder, "message_stop", new JsonObject().put("type", "message_stop"));

    assertThat(chunks)
        .containsExactly(
            ChatChunk.text("Café \"quoted\"\n 要約 🐝"),
            new ChatChunk("", Optional.of(FinishReason.LENGTH), Optional.of(new Usage(25, 9))));
    assertThat(ended).isTrue();
  }

  @Test
  void aMalformedAnthropicDeltaIsRefused() {
    WireAdapter.StreamDecoder decoder = new AnthropicAdapter().newStreamDecoder();
    for (String bad :
        List.of(
            "{\"delta\":{\"type\":\"text_delta\",\"text\":7}}",
            "{\"delta\":\"text\"}",
            "{\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}} x",
            "{\"delta\":{\"type\":\"text_delta\"")) {
      assertThatThrownBy(() -> decoder.onEvent("content_block_delta", bad, sink))
          .as(bad)
          .isInstanceOf(DecodeException.class);
    }
    assertThat(chunks).isEmpty();
  }

  private static JsonObject gemini(JsonArray parts, String finish) {
    JsonObject candidate =
        new JsonObject()
            .put("content", new JsonObject().put("role", "model").put("parts", parts))
            .put("index", 0)
            .put(
                "safetyRatings",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("category", "HARM_CATEGORY_HATE_SPEECH")
                            .put("probability", "NEGLIGIBLE")));
    if (finish != null) {
      candidate.put("finishReason", finish).put("avgLogprobs", -0.2);
    }
    return new JsonObject()
        .put("candidates", new JsonArray().add(candidate))
        .put(
            "usageMetadata",
            new JsonObject()
                .put("promptTokenCount", 21)
                .put("candidatesTokenCount", 7)
                .put("totalTokenCount", 28)
                .put(
                    "promptTokensDetails",
                    new JsonArray()
                        .add(new JsonObject().put("modality", "TEXT").put("tokenCount", 21))))
        .put("modelVersion", "gemini-2.5-pro")
        .put("responseId", "resp-1");
  }

  @Test
  void geminisPartsAreReadAndTheRestSkipped() {
    WireAdapter.StreamDecoder decoder = new GeminiAdapter().newStreamDecoder();
    decoder.onEvent(
        null,
        gemini(
                new JsonArray()
                    .add(new JsonObject().put("text", "Café \"quoted\"\n"))
                    .add(new JsonObject().put("text", " 要約 🐝")),
                null)
            .encode(),
        sink);
    decoder.onEvent(
        null,
        gemini(
                new JsonArray()
                    .add(new JsonObject().put("functionCall", new JsonObject().put("name", "f"))),
                null)
            .encode(),
        sink);
    decoder.onEvent(
        null,
        gemini(new JsonArray().add(new JsonObject().put("text", " end")), "MAX_TOKENS").encode(),
        sink);

    assertThat(chunks)
        .containsExactly(
            ChatChunk.text("Café \"quoted\"\n 要約 🐝"),
            new ChatChunk(" end", Optional.of(FinishReason.LENGTH), Optional.of(new Usage(21, 7))));
    assertThat(ended).isTrue();
  }

  @Test
  void aGeminiPromptBlockedOrAnErrorEndsTheStream() {
    new GeminiAdapter()
        .newStreamDecoder()
        .onEvent(
            null,
            new JsonObject()
                .put("promptFeedback", new JsonObject().put("blockReason", "SAFETY"))
                .put("usageMetadata", new JsonObject().put("promptTokenCount", 4))
                .encode(),
            sink);
    new GeminiAdapter()
        .newStreamDecoder()
        .onEvent(
            null,
            new JsonObject()
                .put(
                    "error",
                    new JsonObject()
                        .put("code", 503)
                        .put("message", "The model is overloaded.")
                        .put("status", "UNAVAILABLE"))
                .encode(),
            sink);

    assertThat(chunks)
        .containsExactly(
            new ChatChunk(
                "", Optional.of(FinishReason.CONTENT_FILTER), Optional.of(new Usage(4, 0))));
    assertThat(failures)
        .extracting(Throwable::getMessage)
        .containsExactly("The model is overloaded.");
  }

  @Test
  void aWholeGeminiAnswerIsReadTheSameWay() {
    assertThat(
            new GeminiAdapter()
                .response(
                    gemini(
                            new JsonArray()
                                .add(new JsonObject().put("text", "Tides "))
                                .add(new JsonObject().put("text", "rise.")),
                            "STOP")
                        .toBuffer()))
        .isEqualTo(
            new dev.airbag.core.chat.ChatResponse(
                "resp-1", "gemini-2.5-pro", "Tides rise.", FinishReason.STOP, new Usage(21, 7)));
    assertThat(new GeminiAdapter().response(Buffer.buffer("{\"candidates\":[]}")))
        .isEqualTo(
            new dev.airbag.core.chat.ChatResponse(
                "gemini", "", "", FinishReason.STOP, new Usage(0, 0)));
  }

  @Test
  void aMalformedGeminiEventIsRefused() {
    WireAdapter.StreamDecoder decoder = new GeminiAdapter().newStreamDecoder();
    for (String bad :
        List.of(
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":3}]}}]}",
            "{\"candidates\":{}}",
            "{\"candidates\":[{\"content\":{\"parts\":[null]}}]}",
            "{\"candidates\":[{\"finishReason\":1}]}",
            "{\"candidates\":[{},",
            "{\"choices\":[{},",
            "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\"}]} x",
            "{\"responseId\":7}",
            "{\"promptFeedback\":{\"blockReason\":true}}")) {
      assertThatThrownBy(() -> decoder.onEvent(null, bad, sink))
          .as(bad)
          .isInstanceOf(DecodeException.class);
    }
    assertThatThrownBy(() -> decode("{\"choices\":[{},")).isInstanceOf(DecodeException.class);
    assertThat(chunks).isEmpty();
    assertThat(ended).isFalse();
  }

  @Test
  void aChunkWrittenBackIsTheJsonOpenAiSends() {
    ChatChunk text = ChatChunk.text("Café \"quoted\"\n 要約 🐝");
    Buffer events =
        OpenAiJson.appendChunkEvent(
            Buffer.buffer(), "chatcmpl-1", "summarize", 1_764_600_000L, text, true);
    OpenAiJson.appendChunkEvent(events, "chatcmpl-1", "summarize", 1_764_600_000L, text, false);
    OpenAiJson.appendChunkEvent(
        events,
        "chatcmpl-1",
        "summarize",
        1_764_600_000L,
        new ChatChunk("", Optional.of(FinishReason.STOP), Optional.empty()),
        false);

    assertThat(events.toString())
        .isEqualTo(
            event(new JsonObject().put("role", "assistant").put("content", text.text()), null)
                + event(new JsonObject().put("content", text.text()), null)
                + event(new JsonObject(), "stop"));
  }

  private static String event(JsonObject delta, String finish) {
    return "data: "
        + new JsonObject()
            .put("id", "chatcmpl-1")
            .put("object", "chat.completion.chunk")
            .put("created", 1_764_600_000L)
            .put("model", "summarize")
            .put(
                "choices",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("index", 0)
                            .put("delta", delta)
                            .put("logprobs", null)
                            .put("finish_reason", finish)))
            .toBuffer()
        + "\n\n"; // as Vert.x writes bytes
  }
}
