package dev.airbag.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.airbag.simulator.Fault;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A caller that stops reading a long stream holds the provider's stream back, not the node's heap,
 * and is cut off after the stalled-client timeout without blame on the provider.
 */
class SlowReaderTest extends NodeTestBase {

  private static final String CONFIG =
      GatewayFixture.PRIMARY_THEN_SECONDARY
          + """
          airbag:
            stalled_client_timeout: 1s
          """;

  @Test
  void aStalledReaderPausesTheProviderAndIsCutOffWithoutBlamingIt() throws Exception {
    gw.startNode(gw.yamlConfig(CONFIG));
    gw.primary.fault(
        Fault.of(Fault.Mode.LONG)); // ~25 MB of text, far more than any buffer on the way
    String body =
        "{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Tell the long story.\"}]}";
    try (Socket caller = new Socket("127.0.0.1", gw.node.httpPort())) {
      caller.setReceiveBufferSize(4096);
      OutputStream out = caller.getOutputStream();
      out.write(
          ("POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                  + "content-length: "
                  + body.getBytes(StandardCharsets.UTF_8).length
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = caller.getInputStream();
      byte[] head = new byte[12];
      assertThat(in.readNBytes(head, 0, head.length)).isEqualTo(head.length);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");

      // The caller now reads nothing. Held back, the provider never gets to the end of its answer;
      // after the stalled-client timeout the node lets go of both sides.
      await().atMost(Duration.ofSeconds(30)).until(() -> gw.primary.longStreamsAbandoned() == 1);
      assertThat(gw.primary.longStreamsCompleted()).isZero();
    }
    JsonObject primary =
        new JsonObject(gw.get("/admin/breakers").body())
            .getJsonArray("breakers").stream()
                .map(b -> (JsonObject) b)
                .filter(b -> b.getString("deployment").equals("primary"))
                .findFirst()
                .orElseThrow();
    assertThat(primary.getJsonObject("window").getLong("failures"))
        .as("the caller's stall is not the provider's failure")
        .isZero();
    assertThat(primary.getString("state")).isEqualTo("CLOSED");
    assertThat(gw.get("/health/live").statusCode()).isEqualTo(200);
  }
}
