package dev.airbag.providers.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.airbag.core.chat.Usage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.EncodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON written straight into a {@link Buffer}, the bytes Vert.x's own encoder would give, and the
 * helpers of the shapes read token by token (providers' answers and stream events). Its {@code
 * toBuffer} copies them twice on the way (a builder, an array, the buffer) and {@code encode} goes
 * through a String. Every answer, provider call and streamed chunk is encoded once on the hot path,
 * so the copies matter.
 */
public final class JsonBytes {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final byte[] SSE_DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SSE_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  private JsonBytes() {}

  /** {@code json} encoded in a buffer of its own. */
  public static Buffer encode(JsonObject json) {
    return append(Buffer.buffer(512), json);
  }

  /** Appends {@code json}, encoded, to {@code to}; returns {@code to}. */
  public static Buffer append(Buffer to, JsonObject json) {
    return append(to, generator -> JacksonCodec.encodeJson(json, generator));
  }

  /** Writes JSON with a generator, for a shape written often enough not to build a tree first. */
  @FunctionalInterface
  public interface Writer {
    void write(JsonGenerator generator) throws IOException;
  }

  /** Appends what {@code writer} writes to {@code to}; returns {@code to}. */
  public static Buffer append(Buffer to, Writer writer) {
    try (JsonGenerator generator = FACTORY.createGenerator(new Appender(to))) {
      writer.write(generator);
    } catch (IOException e) {
      throw new EncodeException(e.getMessage(), e);
    }
    return to;
  }

  /** Appends one server-sent event carrying {@code json}: {@code data: {...}} and a blank line. */
  public static Buffer appendEvent(Buffer to, JsonObject json) {
    return append(to.appendBytes(SSE_DATA), json).appendBytes(SSE_END);
  }

  /** Appends one server-sent event carrying what {@code writer} writes. */
  public static Buffer appendEvent(Buffer to, Writer writer) {
    return append(to.appendBytes(SSE_DATA), writer).appendBytes(SSE_END);
  }

  /** Reads JSON token by token, for a shape read often enough not to build a tree of it. */
  @FunctionalInterface
  public interface TokenReader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /**
   * What {@code reader} makes of the one value {@code json} holds, given only once the whole text
   * was read: malformed JSON, or more after the value, is a {@link DecodeException}.
   */
  public static <T> T read(String json, TokenReader<T> reader) {
    try {
      return read(FACTORY.createParser(json), reader);
    } catch (IOException e) {
      throw new DecodeException("malformed JSON: " + e.getMessage());
    }
  }

  /** As {@link #read(String, TokenReader)}, reading the buffer's bytes where they are. */
  public static <T> T read(Buffer json, TokenReader<T> reader) {
    return read(JacksonCodec.createParser(json), reader);
  }

  private static <T> T read(JsonParser source, TokenReader<T> reader) {
    try (JsonParser parser = source) {
      T value = reader.read(parser);
      if (parser.nextToken() != null) {
        throw new DecodeException("more after the JSON value");
      }
      return value;
    } catch (IOException e) {
      throw new DecodeException("malformed JSON: " + e.getMessage());
    }
  }

  /** Refuses a value of another type than the field must have, as a tree's getter would. */
  public static void expect(JsonToken actual, JsonToken expected, String field) {
    if (actual != expected) {
      throw new DecodeException("'" + field + "' is " + actual + " where " + expected + " belongs");
    }
  }

  /**
   * Steps to the next field of the object the parser is in whose value is not null: true with the
   * parser on that value (its name is {@code currentName()}), false on the object's end.
   */
  public static boolean nextField(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      if (p.nextToken() != JsonToken.VALUE_NULL) {
        return true;
      }
    }
    return false;
  }

  /**
   * The string the parser is on, whose token is {@code value}; a value of another type is refused.
   */
  public static String string(JsonParser p, JsonToken value, String field) throws IOException {
    expect(value, JsonToken.VALUE_STRING, field);
    return p.getText();
  }

  /**
   * The two token counts of a usage object, the parser on its start; its other fields are skipped.
   */
  public static Usage readUsage(JsonParser p, String promptField, String outputField)
      throws IOException {
    int prompt = 0;
    int output = 0;
    while (nextField(p)) {
      String name = p.currentName();
      JsonToken count = p.currentToken();
      if (count == JsonToken.VALUE_NUMBER_INT && name.equals(promptField)) {
        prompt = p.getIntValue();
      } else if (count == JsonToken.VALUE_NUMBER_INT && name.equals(outputField)) {
        output = p.getIntValue();
      } else {
        p.skipChildren();
      }
    }
    return new Usage(prompt, output);
  }

  /**
   * The string values of an object's named fields, the parser on its start, in the order named
   * (null where absent or null); its other fields are skipped, a named one of another type is
   * refused.
   */
  public static String[] readStrings(JsonParser p, String... names) throws IOException {
    String[] values = new String[names.length];
    while (nextField(p)) {
      String name = p.currentName();
      int at = Arrays.asList(names).indexOf(name);
      if (at < 0) {
        p.skipChildren();
        continue;
      }
      values[at] = string(p, p.currentToken(), name);
    }
    return values;
  }

  /**
   * Steps into an array's first element, the parser on the array's start: true when there is one
   * (an object, or refused), false when the array is empty. Read it, then {@link #skipRestOfArray}.
   */
  public static boolean enterFirstObject(JsonParser p, String field) throws IOException {
    JsonToken first = p.nextToken();
    if (first == JsonToken.END_ARRAY) {
      return false;
    }
    expect(first, JsonToken.START_OBJECT, field);
    return true;
  }

  /** Skips the elements left in an array, the parser on the end of the one before them. */
  public static void skipRestOfArray(JsonParser p) throws IOException {
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
      p.skipChildren();
    }
  }

  /** The generator's flushes, appended to the buffer; closing it leaves the buffer as it is. */
  private static final class Appender extends OutputStream {
    private final Buffer to;

    Appender(Buffer to) {
      this.to = to;
    }

    @Override
    public void write(int b) {
      to.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      to.appendBytes(bytes, offset, length);
    }
  }

  /**
   * Whether {@code bytes} are well-formed UTF-8: no overlong forms (a character disguised in more
   * bytes than it needs), no surrogates, nothing past U+10FFFF, no sequence cut short.
   */
  public static boolean isUtf8(Buffer bytes) {
    int n = bytes.length();
    int i = 0;
    while (i < n) {
      int b = bytes.getByte(i) & 0xFF;
      if (b < 0x80) {
        i++;
        continue;
      }
      int more;
      int min;
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        more = 1;
        min = 0x80;
      } else if (b >= 0xE0 && b <= 0xEF) {
        more = 2;
        min = b == 0xE0 ? 0xA0 : 0x80;
        max = b == 0xED ? 0x9F : 0xBF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        more = 3;
        min = b == 0xF0 ? 0x90 : 0x80;
        max = b == 0xF4 ? 0x8F : 0xBF;
      } else {
        return false; // a continuation byte alone, C0/C1 (always overlong), or F5-FF
      }
      if (i + more >= n) {
        return false;
      }
      int second = bytes.getByte(i + 1) & 0xFF;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= more; k++) {
        int c = bytes.getByte(i + k) & 0xFF;
        if (c < 0x80 || c > 0xBF) {
          return false;
        }
      }
      i += more + 1;
    }
    return true;
  }
}
