package dev.airbag.providers.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The request bodies' UTF-8 check agrees with the JDK's strict decoder on any bytes. */
class Utf8Properties {

  private static boolean jdkAccepts(byte[] bytes) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Property(tries = 2000)
  void anyTextEncodedIsAccepted(@ForAll String text) {
    assertThat(JsonBytes.isUtf8(Buffer.buffer(text.getBytes(StandardCharsets.UTF_8)))).isTrue();
  }

  @Property(tries = 5000)
  void anyBytesAreJudgedAsTheJdkJudgesThem(@ForAll byte[] bytes) {
    assertThat(JsonBytes.isUtf8(Buffer.buffer(bytes))).isEqualTo(jdkAccepts(bytes));
  }

  @Test
  void overlongFormsSurrogatesAndCutSequencesAreRefused() {
    for (int[] bad :
        new int[][] {
          {0xC0, 0xAF}, {0xE0, 0x80, 0xAF}, {0xF0, 0x80, 0x80, 0xAF}, {0xED, 0xA0, 0x80},
          {0xF4, 0x90, 0x80, 0x80}, {0xE2, 0x82}, {0x80}, {0xFF}
        }) {
      byte[] bytes = new byte[bad.length];
      for (int i = 0; i < bad.length; i++) {
        bytes[i] = (byte) bad[i];
      }
      assertThat(JsonBytes.isUtf8(Buffer.buffer(bytes)))
          .as(java.util.Arrays.toString(bad))
          .isFalse();
      assertThat(jdkAccepts(bytes)).isFalse();
    }
  }
}
