package dev.airbag.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.airbag.core.chat.ChatMessage;
import dev.airbag.core.chat.ChatRequest;
import dev.airbag.core.chat.InvalidRequest;
import dev.airbag.core.chat.Role;
import dev.airbag.providers.openai.OpenAiJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A caller's request read token by token, and the body each call sends an OpenAI host written field
 * by field: every parameter the caller set goes on, what Airbag cannot serve is refused naming the
 * parameter.
 */
class RequestBodiesTest {

  private static OpenAiJson.CallerRequest read(String json) {
    return OpenAiJson.request(Buffer.buffer(json));
  }

  @Test
  void aCallersRequestIsReadWithEveryParameterAndWhatAirbagDoesNotUseSkipped() {
    OpenAiJson.CallerRequest read =
        read(
            """
        {"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],
         "model":"fast","response_format":{"type":"text"},"metadata":null,
         "messages":[{"role":"developer","content":"Be brief.","name":"ops"},
                     {"role":"user","content":[{"type":"text","text":"Say "},{"type":"text","text":"hi"}]},
                     {"role":"assistant","content":null,"tool_calls":[]},{"role":"user","content":"again"}],
         "max_completion_tokens":50,"max_tokens":9,"temperature":0.2,"top_p":1,"stop":["END","STOP"],"n":1,
         "stream":true,"stream_options":{"include_usage":true,"other":[1]},"user":"user-1","seed":7}""");

    assertThat(read.chat())
        .isEqualTo(
            new ChatRequest(
                "fast",
                List.of(
                    new ChatMessage(Role.SYSTEM, "Be brief."),
                    new ChatMessage(Role.USER, "Say hi"),
                    new ChatMessage(Role.ASSISTANT, ""),
                    new ChatMessage(Role.USER, "again")),
                OptionalInt.of(50),
                OptionalDouble.of(0.2),
                OptionalDouble.of(1),
                List.of("END", "STOP"),
                true,
                Optional.of("user-1")));
    assertThat(read.includeUsage()).isTrue();

    OpenAiJson.CallerRequest bare =
        read(
            "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],"
                + "\"max_tokens\":9,\"stop\":\"END\",\"stream_options\":{\"include_usage\":false},\"user\":null}");
    assertThat(bare.chat())
        .isEqualTo(
            new ChatRequest(
                "fast",
                List.of(new ChatMessage(Role.USER, "q")),
                OptionalInt.of(9),
                OptionalDouble.empty(),
                OptionalDouble.empty(),
                List.of("END"),
                false,
                Optional.empty()));
    assertThat(bare.includeUsage()).isFalse();
  }

  /**
   * Each body against the parameter it is refused for; where several are wrong, the same one
   * whatever their order.
   */
  @Test
  void whatAirbagCannotServeIsRefusedNamingTheParameter() {
    String ok = "\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]";
    Map<String, String> refused = new LinkedHashMap<>();
    refused.put("[]", null);
    refused.put("\"text\"", null);
    refused.put("null", null);
    refused.put("", null);
    refused.put("{}", "model");
    refused.put("{\"model\":\" \",\"messages\":[]}", "model");
    refused.put("{\"messages\":7,\"temperature\":9}", "model");
    refused.put("{\"temperature\":9,\"messages\":7,\"model\":5}", "model");
    refused.put("{\"model\":\"fast\"}", "messages");
    refused.put("{\"model\":\"fast\",\"messages\":[]}", "messages");
    refused.put("{\"model\":\"fast\",\"messages\":{\"role\":\"user\"}}", "messages");
    refused.put(
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"},\"q\"]}",
        "messages[1]");
    refused.put(
        "{\"model\":\"fast\",\"messages\":[{\"content\":5,\"role\":\"tool\"}]}",
        "messages[0].role");
    refused.put(
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":5}]}",
        "messages[0].content");
    refused.put(
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"a\"},"
            + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}]}",
        "messages[0].content[1]");
    refused.put(
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":5}]}]}",
        "messages[0].content[0]");
    refused.put("{" + ok + ",\"n\":2}", "n");
    refused.put("{" + ok + ",\"max_completion_tokens\":0}", "max_completion_tokens");
    refused.put("{" + ok + ",\"max_tokens\":1.5}", "max_tokens");
    refused.put("{" + ok + ",\"max_tokens\":\"5\"}", "max_tokens");
    refused.put("{" + ok + ",\"temperature\":2.5}", "temperature");
    refused.put("{\"top_p\":-1," + ok + ",\"temperature\":2.5}", "temperature");
    refused.put("{" + ok + ",\"top_p\":-1}", "top_p");
    refused.put("{" + ok + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", "stop");
    refused.put("{" + ok + ",\"stop\":[1]}", "stop");
    refused.put("{" + ok + ",\"stream\":\"yes\"}", "stream");
    refused.put("{" + ok + ",\"user\":{\"id\":1}}", "user");
    // Numbers that would wrap or be cut to fit an int reach no provider.
    refused.put("{" + ok + ",\"max_tokens\":2147483648}", "max_tokens");
    refused.put("{" + ok + ",\"max_tokens\":4294967297}", "max_tokens");
    refused.put("{" + ok + ",\"max_tokens\":1e999}", "max_tokens");
    refused.put(
        "{" + ok + ",\"max_completion_tokens\":99999999999999999999}", "max_completion_tokens");
    refused.put("{" + ok + ",\"n\":4294967297}", "n");
    refused.put("{" + ok + ",\"n\":1.5}", "n");
    refused.forEach(
        (body, param) ->
            assertThatThrownBy(() -> read(body))
                .as(body)
                .isInstanceOfSatisfying(
                    InvalidRequest.class, e -> assertThat(e.param()).as(body).isEqualTo(param)));

    assertThat(read("{" + ok + ",\"max_tokens\":2147483647,\"n\":1.0}").chat().maxTokens())
        .as("the largest int, and n as 1.0, are fine")
        .hasValue(Integer.MAX_VALUE);
    for (String notJson :
        List.of("{not json", "{" + ok + "} {}", "{" + ok, "{" + ok + ",\"stop\":[\"a\"}")) {
      assertThatThrownBy(() -> read(notJson)).as(notJson).isInstanceOf(DecodeException.class);
    }
  }

  private static final List<ChatMessage> MESSAGES =
      List.of(
          new ChatMessage(Role.SYSTEM, "Be brief."),
          new ChatMessage(Role.USER, "Say \"hi\"\n"),
          new ChatMessage(Role.ASSISTANT, "hi"),
          new ChatMessage(Role.USER, "again"));

  @Test
  void everyParameterTheCallerSetIsSent() {
    ChatRequest request =
        new ChatRequest(
            "fast",
            MESSAGES,
            OptionalInt.of(50),
            OptionalDouble.of(0.2),
            OptionalDouble.of(0.9),
            List.of("END", "STOP"),
            true,
            Optional.of("user-1"));

    assertThat(OpenAiJson.providerBody(request, "gpt-4o-mini", true).toString())
        .isEqualTo(
            "{\"model\":\"gpt-4o-mini\","
                + "\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\\n\"},"
                + "{\"role\":\"assistant\",\"content\":\"hi\"},{\"role\":\"user\",\"content\":\"again\"}],"
                + "\"max_tokens\":50,\"temperature\":0.2,\"top_p\":0.9,\"stop\":[\"END\",\"STOP\"],\"user\":\"user-1\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
  }

  @Test
  void whatTheCallerLeftOutIsLeftOutAndReasoningModelsGetMaxCompletionTokens() {
    ChatRequest bare =
        new ChatRequest(
            "fast",
            MESSAGES.subList(1, 2),
            OptionalInt.empty(),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            List.of(),
            false,
            Optional.empty());
    assertThat(OpenAiJson.providerBody(bare, "gpt-4o-mini", false).toString())
        .isEqualTo(
            "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\",\"content\":\"Say \\\"hi\\\"\\n\"}]}");

    ChatRequest capped =
        new ChatRequest(
            "fast",
            MESSAGES.subList(1, 2),
            OptionalInt.of(7),
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            List.of(),
            false,
            Optional.empty());
    assertThat(
            OpenAiJson.providerBody(capped, "o3-mini", false)
                .toJsonObject()
                .getInteger("max_completion_tokens"))
        .isEqualTo(7);
    assertThat(
            OpenAiJson.providerBody(capped, "gpt-5", false)
                .toJsonObject()
                .containsKey("max_tokens"))
        .isFalse();
  }
}
