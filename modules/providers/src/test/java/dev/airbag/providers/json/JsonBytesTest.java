package dev.airbag.providers.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The bytes a caller receives are exactly those Vert.x's own encoder gives. */
class JsonBytesTest {

  private static final JsonObject ANSWER =
      new JsonObject()
          .put("id", "chatcmpl-1")
          .put("created", 1_764_600_000L)
          .put(
              "choices",
              new JsonArray()
                  .add(
                      new JsonObject()
                          .put("index", 0)
                          .put("finish_reason", (String) null)
                          .put(
                              "message",
                              new JsonObject()
                                  .put("role", "assistant")
                                  .put(
                                      "content",
                                      "Café \"quoted\", a tab\t, a line\n, CJK 要約 and an emoji 🐝"))))
          .put(
              "usage",
              new JsonObject()
                  .put("prompt_tokens", 12)
                  .put("temperature", 0.2)
                  .put("cached", false));

  @Test
  void encodesWhatVertxEncodes() {
    assertThat(JsonBytes.encode(ANSWER).getBytes()).isEqualTo(ANSWER.toBuffer().getBytes());
    assertThat(JsonBytes.encode(new JsonObject()).toString()).isEqualTo("{}");
  }

  @Test
  void anAnswerLongerThanTheFirstGuessArrivesWhole() {
    JsonObject big = new JsonObject().put("content", "word ".repeat(20_000));
    assertThat(JsonBytes.encode(big).getBytes()).isEqualTo(big.toBuffer().getBytes());
  }

  @Test
  void eventsAppendOneAfterAnother() {
    Buffer events = Buffer.buffer("event-stream: ");
    JsonBytes.appendEvent(events, new JsonObject().put("n", 1));
    JsonBytes.appendEvent(events, ANSWER);
    // As toBuffer, an emoji leaves as its escaped surrogate pair (\uD83D\uDC1D): the same JSON
    // string.
    assertThat(events.toString())
        .isEqualTo("event-stream: data: {\"n\":1}\n\ndata: " + ANSWER.toBuffer() + "\n\n");
  }
}
