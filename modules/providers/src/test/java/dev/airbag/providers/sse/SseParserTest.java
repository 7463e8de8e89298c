package dev.airbag.providers.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private final List<String> events = new ArrayList<>();
  private final SseParser parser = new SseParser((event, data) -> events.add(event + "|" + data));

  @Test
  void eventsCutAnywhereAreReassembled() {
    String stream = "event: message_start\ndata: {\"a\":1}\n\n: comment\ndata: [DONE]\n\n";
    for (char c : stream.toCharArray()) {
      parser.feed(Buffer.buffer(String.valueOf(c)));
    }
    assertThat(events).containsExactly("message_start|{\"a\":1}", "null|[DONE]");
  }

  @Test
  void crlfMultiLineDataAndAnUnterminatedLastEvent() {
    parser.feed(Buffer.buffer("data: one\r\ndata: two\r\n\r\ndata:three"));
    parser.end();
    assertThat(events).containsExactly("null|one\ntwo", "null|three");
  }

  @Test
  void aCharacterCutBetweenTwoReadsArrivesWhole() {
    byte[] stream =
        "data: {\"t\":\"été ✓ 🚢\"}\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    for (byte b : stream) {
      parser.feed(Buffer.buffer(new byte[] {b}));
    }
    assertThat(events).containsExactly("null|{\"t\":\"été ✓ 🚢\"}");
  }

  @Test
  void fieldsAreMatchedWholeAndALineWithoutColonIsAFieldName() {
    parser.feed(Buffer.buffer("eventual: x\ndatum: y\ndata\nevent:e\ndata:z\n\n"));
    assertThat(events).containsExactly("e|\nz");
  }
}
