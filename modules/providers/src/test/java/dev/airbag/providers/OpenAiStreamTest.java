package dev.airbag.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airbag.core.chat.ChatChunk;
import dev.airbag.core.chat.FinishReason;
import dev.airbag.core.chat.Usage;
import dev.airbag.core.outcome.Outcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's streamed chunks, read token by token rather than as trees: what a real provider's chunks
 * carry besides the text (roles, tool calls, logprobs, fingerprints) is skipped, what is wrong is
 * refused as malformed, and the chunks Airbag writes back are the JSON OpenAI sends.
 */
class OpenAiStreamTest {

  private final List<ChatChunk> chunks = new ArrayList<>();
  private final List<ProviderException> failures = new ArrayList<>();
  private boolean ended;
  private final StreamSink sink = new StreamSink() {
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

  private static String chunk(Object delta, Object finish) {
    return new JsonObject().put("id", "chatcmpl-9").put("object", "chat.completion.chunk").put("created", 1_764_600_000L)
        .put("model", "gpt-4o-mini").put("system_fingerprint", "fp_1").put("service_tier", "default")
        .put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .put("logprobs", new JsonObject().put("content", new JsonArray().add(new JsonObject().put("token", "x")
                .put("logprob", -0.1).put("top_logprobs", new JsonArray()))))
            .put("finish_reason", finish)))
        .put("usage", null).encode();
  }

  @Test
  void theTextOfEachChunkIsReadAndTheRestSkipped() {
    decode(chunk(new JsonObject().put("role", "assistant").put("content", ""), null));
    decode(chunk(new JsonObject().put("content", "Café \"quoted\"\n 要約 🐝").put("refusal", null)
        .put("tool_calls", new JsonArray().add(new JsonObject().put("index", 0).put("function", new JsonObject().put("arguments", "{")))), null));
    decode(chunk(new JsonObject(), "length"));
    decode(new JsonObject().put("id", "chatcmpl-9").put("choices", new JsonArray())
        .put("usage", new JsonObject().put("prompt_tokens", 12).put("completion_tokens", 30).put("total_tokens", 42)
            .put("prompt_tokens_details", new JsonObject().put("cached_tokens", 0))).encode());
    decode("[DONE]");

    assertThat(chunks).containsExactly(
        ChatChunk.text("Café \"quoted\"\n 要約 🐝"),
        new ChatChunk("", Optional.of(FinishReason.LENGTH), Optional.empty()),
        new ChatChunk("", Optional.empty(), Optional.of(new Usage(12, 30))));
    assertThat(ended).isTrue();
    assertThat(failures).isEmpty();
  }

  @Test
  void onlyTheFirstChoiceCounts() {
    decode(new JsonObject().put("choices", new JsonArray()
        .add(new JsonObject().put("delta", new JsonObject().put("content", "first")))
        .add(new JsonObject().put("delta", new JsonObject().put("content", "second")).put("finish_reason", "stop"))).encode());

    assertThat(chunks).containsExactly(ChatChunk.text("first"));
  }

  @Test
  void anErrorInTheStreamFailsItWithTheProvidersMessage() {
    decode(new JsonObject().put("error", new JsonObject().put("message", "The server had an error").put("type", "server_error")
        .put("code", null)).encode());
    decode(new JsonObject().put("error", new JsonObject()).encode());

    assertThat(failures).extracting(ProviderException::outcome).containsExactly(Outcome.SERVER_ERROR, Outcome.SERVER_ERROR);
    assertThat(failures).extracting(Throwable::getMessage).containsExactly("The server had an error", "error in stream");
    assertThat(chunks).isEmpty();
  }

  @Test
  void aMalformedChunkIsRefusedNotGuessedAt() {
    for (String bad : List.of("{\"choices\":[{\"delta\":{\"content\":42}}]}", "{\"choices\":[null]}",
        "{\"choices\":{\"delta\":{}}}", "{\"choices\":[{\"finish_reason\":1}]}", "{\"error\":\"boom\"}",
        "{\"choices\":[{\"delta\":{\"content\":\"cut", "{\"choices\":[]} {}", "[1, 2]", "not json")) {
      assertThatThrownBy(() -> decode(bad)).as(bad).isInstanceOf(DecodeException.class);
    }
    assertThat(chunks).isEmpty();
  }

  @Test
  void aChunkWrittenBackIsTheJsonOpenAiSends() {
    ChatChunk text = ChatChunk.text("Café \"quoted\"\n 要約 🐝");
    Buffer events = OpenAiJson.appendChunkEvent(Buffer.buffer(), "chatcmpl-1", "summarize", 1_764_600_000L, text, true);
    OpenAiJson.appendChunkEvent(events, "chatcmpl-1", "summarize", 1_764_600_000L, text, false);
    OpenAiJson.appendChunkEvent(events, "chatcmpl-1", "summarize", 1_764_600_000L,
        new ChatChunk("", Optional.of(FinishReason.STOP), Optional.empty()), false);

    assertThat(events.toString()).isEqualTo(
        event(new JsonObject().put("role", "assistant").put("content", text.text()), null)
            + event(new JsonObject().put("content", text.text()), null)
            + event(new JsonObject(), "stop"));
  }

  private static String event(JsonObject delta, String finish) {
    return "data: " + new JsonObject().put("id", "chatcmpl-1").put("object", "chat.completion.chunk").put("created", 1_764_600_000L)
        .put("model", "summarize").put("choices", new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
            .put("logprobs", null).put("finish_reason", finish))).toBuffer() + "\n\n"; // as Vert.x writes bytes
  }
}
