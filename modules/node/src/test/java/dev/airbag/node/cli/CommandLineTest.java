package dev.airbag.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CommandLineTest {

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true));
      System.setErr(new PrintStream(e, true));
      int exit = new CommandLine(new AirbagCommand()).execute(args);
      return new Run(exit, o.toString(), e.toString());
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void aBadConfigStopsTheNodeWithOneLineNamingFileLineAndField() throws Exception {
    Path config = dir.resolve("gw.yaml");
    Files.writeString(
        config,
        "model_list:\n  - model_name: a\n    litellm_params: {model: openai/gpt-4.1, api_key: os.environ/AIRBAG_TEST_UNSET_KEY}\n");

    Run r = run("node", "--config", config.toString(), "--http-port", "0");

    assertThat(r.exit).isEqualTo(2);
    assertThat(r.err.strip())
        .isEqualTo(
            "airbag: bad config: "
                + config
                + ":3: model_list[0].litellm_params.api_key: environment variable AIRBAG_TEST_UNSET_KEY is not set (referenced as os.environ/AIRBAG_TEST_UNSET_KEY)");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : new String[] {"node", "simulator", "demo"}) {
      Run r = run(command, "--help");
      assertThat(r.exit).as(command).isZero();
      assertThat(r.out).as(command).contains("Usage: airbag " + command);
    }
  }
}
