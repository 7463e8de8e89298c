package dev.airbag.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness in short mode: every scenario runs end to end and lands in the report. It asserts no figure. */
class OverheadIT {

  @TempDir
  Path out;

  @Test
  void theHarnessRunsEveryScenarioAndWritesItsReport() throws Exception {
    JsonObject report = Overhead.run(100, 1, out, Path.of(System.getProperty("airbag.jar")), java.util.Set.of());

    for (Overhead.Scenario s : Overhead.scenarios(0)) {
      JsonObject paths = report.getJsonObject("scenarios").getJsonObject(s.key()).getJsonObject("paths");
      for (String path : new String[] {"direct", "airbag"}) {
        assertThat(paths.getJsonObject(path).getLong("ok")).as(s.key() + " " + path).isPositive();
      }
    }
    assertThat(report.getJsonObject("max_throughput").fieldNames()).contains("direct_per_s", "airbag_per_s", "node_by_rate");
    assertThat(report.getJsonArray("targets")).hasSize(8);
    assertThat(Files.readString(out.resolve("overhead.md"))).contains("| healthy primary |", "| target | figure | met |");
  }
}
