package dev.airbag.bench.overhead;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness in short mode: every scenario runs end to end and lands in the report. It asserts no
 * figure.
 */
class OverheadIT {

  @TempDir Path out;

  @Test
  void theHarnessRunsEveryScenarioAndWritesItsReport() throws Exception {
    JsonObject report =
        Overhead.run(100, 1, out, Path.of(System.getProperty("airbag.jar")), java.util.Set.of());

    for (Scenario s : Scenarios.all(0)) {
      JsonObject paths =
          report.getJsonObject("scenarios").getJsonObject(s.key()).getJsonObject("paths");
      for (String path : new String[] {"direct", "airbag"}) {
        assertThat(paths.getJsonObject(path).getLong("ok")).as(s.key() + " " + path).isPositive();
      }
    }
    // The judge scenario's healthy twin was loaded alternately with it, and both paths of each
    // paired request by request.
    JsonObject twin =
        report.getJsonObject("scenarios").getJsonObject("judge").getJsonObject("healthy_twin");
    for (String path : new String[] {"direct", "airbag"}) {
      assertThat(twin.getJsonObject("paths").getJsonObject(path).getLong("ok"))
          .as("twin " + path)
          .isPositive();
    }
    assertThat(twin.getJsonObject("overhead_ms").fieldNames()).contains("p50_ms", "p99_ms");
    // The healthy scenario's node was loaded alternately with a bare Vert.x proxy, the floor under
    // its figures.
    JsonObject bare =
        report.getJsonObject("scenarios").getJsonObject("healthy").getJsonObject("bare_twin");
    assertThat(bare.getJsonObject("paths").getJsonObject("airbag").getLong("ok"))
        .as("bare proxy")
        .isPositive();
    assertThat(
            report
                .getJsonObject("scenarios")
                .getJsonObject("healthy")
                .getDouble("host_cpu_stolen_percent"))
        .isNotNegative();
    assertThat(report.getJsonObject("max_throughput").fieldNames())
        .contains("direct_per_s", "bare_per_s", "airbag_per_s", "node_by_rate");
    assertThat(report.getJsonArray("targets")).hasSize(8);
    assertThat(Files.readString(out.resolve("overhead.md")))
        .contains(
            "| healthy primary |",
            "| target | figure | met |",
            "loaded alternately with a healthy twin node",
            "loaded alternately with a bare Vert.x proxy");
  }
}
