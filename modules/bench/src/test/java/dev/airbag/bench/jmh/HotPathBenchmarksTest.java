package dev.airbag.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each JMH benchmark does the work it claims to measure (run once here; JMH runs them for figures).
 */
class HotPathBenchmarksTest {

  @Test
  void theBreakerBenchmarksRecordIntoTheWindow() {
    BreakerBench b = new BreakerBench();
    b.setUp();
    assertThat(b.allowAndRecordSuccess().calls()).isEqualTo(1);
    assertThat(b.mergeRemoteWindow()).isNotNull();
  }

  @Test
  void theAnswerCheckBenchmarkRunsEveryCheckOnAnAnswerThatPasses() {
    assertThat(new AnswerCheckBench().checkAGoodAnswer()).isEmpty();
  }

  @Test
  void theRouteBenchmarkResolvesTheWholeChain() {
    RouteBench b = new RouteBench();
    b.setUp();
    assertThat(b.resolveChain()).hasSize(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "anthropic", "gemini"})
  void theTranslationBenchmarksCarryTheAnswerThrough(String provider) throws Exception {
    TranslationBench b = new TranslationBench();
    b.provider = provider;
    b.setUp();
    assertThat(b.requestToProvider().toString()).contains("the harbour froze in January");
    assertThat(
            b.responseToCaller()
                .toJsonObject()
                .getJsonArray("choices")
                .getJsonObject(0)
                .getJsonObject("message")
                .getString("content"))
        .contains("harbour");
    List<Buffer> out = new ArrayList<>();
    b.reencode(out::add);
    assertThat(out)
        .hasSizeGreaterThan(2)
        .allSatisfy(line -> assertThat(line.toString()).startsWith("data: {"));
    assertThat(String.join("", out.stream().map(Buffer::toString).toList())).contains("harbour");
  }
}
