package dev.airbag.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness in short mode: it runs both paths end to end and writes its report. It asserts no figure. */
class OverheadIT {

  @TempDir
  Path out;

  @Test
  void theHarnessDrivesBothPathsAndWritesItsReport() throws Exception {
    JsonObject report = Overhead.run(100, 2, out, Path.of(System.getProperty("airbag.jar")));

    for (String path : new String[] {"direct", "airbag"}) {
      JsonObject p = report.getJsonObject("paths").getJsonObject(path);
      assertThat(p.getLong("ok")).as(path).isPositive();
      assertThat(p.getLong("errors")).as(path).isZero();
    }
    assertThat(Files.readString(out.resolve("overhead.md"))).contains("| direct |", "| airbag |", "**overhead**");
    assertThat(new JsonObject(Files.readString(out.resolve("overhead.json"))).getString("benchmark")).isEqualTo("overhead");
  }
}
