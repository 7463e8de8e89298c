package dev.airbag.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The hot path's JMH benchmarks ({@code dev.airbag.bench.jmh}): writes {@code jmh.json} (JMH's own
 * format) and {@code jmh.md}. Takes JMH's options, for example a benchmark name pattern; the
 * defaults (1 fork, 3 warm-up and 5 measured iterations of 1 s) keep a full run near two minutes.
 *
 * <p>Usage: {@code scripts/bench jmh [JMH options]}.
 */
final class JmhRunner {

  private JmhRunner() {}

  static void main(Path out, String[] jmhArgs) throws Exception {
    Files.createDirectories(out);
    CommandLineOptions given = new CommandLineOptions(jmhArgs);
    ChainedOptionsBuilder options =
        new OptionsBuilder()
            .parent(given)
            .result(out.resolve("jmh.json").toString())
            .resultFormat(ResultFormatType.JSON);
    if (given.getIncludes().isEmpty()) {
      options.include("dev\\.airbag\\.bench\\.jmh\\..*");
    }
    if (!given.getForkCount().hasValue()) {
      options.forks(1);
    }
    if (!given.getWarmupIterations().hasValue()) {
      options.warmupIterations(3).warmupTime(TimeValue.seconds(1));
    }
    if (!given.getMeasurementIterations().hasValue()) {
      options.measurementIterations(5).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    StringBuilder md =
        new StringBuilder(
            "| benchmark | params | score | error (99.9%) | unit |\n|---|---|---|---|---|\n");
    for (RunResult r : results) {
      var p = r.getParams();
      String params =
          String.join(", ", p.getParamsKeys().stream().map(k -> k + "=" + p.getParam(k)).toList());
      var s = r.getPrimaryResult();
      md.append("| ")
          .append(p.getBenchmark().replace("dev.airbag.bench.jmh.", ""))
          .append(" | ")
          .append(params)
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", s.getScore()))
          .append(" | ")
          .append(String.format(Locale.ROOT, "%.3f", s.getScoreError()))
          .append(" | ")
          .append(s.getScoreUnit())
          .append(" |\n");
    }
    md.append("\n")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" cores, ")
        .append(System.getProperty("java.vm.name"))
        .append(" ")
        .append(System.getProperty("java.version"))
        .append("; ")
        .append(Instant.now())
        .append(".\n");
    Files.writeString(out.resolve("jmh.md"), md.toString());
    System.out.print(md);
  }
}
