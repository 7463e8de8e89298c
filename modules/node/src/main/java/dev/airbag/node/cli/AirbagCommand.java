package dev.airbag.node.cli;

import java.io.InputStream;
import java.util.logging.LogManager;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code airbag} command line: {@code node}, {@code simulator}, {@code drill}, {@code demo}.
 */
@Command(
    name = "airbag",
    mixinStandardHelpOptions = true,
    version = "airbag 0.1.0",
    description = "Clustered LLM failover gateway.",
    subcommands = {
      NodeCommand.class,
      SimulatorCommand.class,
      DrillCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class
    })
public final class AirbagCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    configureLogging();
    System.exit(new CommandLine(new AirbagCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * One line per record, Hazelcast and Netty quiet, unless the caller configured logging itself.
   */
  static void configureLogging() {
    if (System.getProperty("java.util.logging.config.file") != null) {
      return;
    }
    try (InputStream in = AirbagCommand.class.getResourceAsStream("/airbag-logging.properties")) {
      if (in != null) {
        LogManager.getLogManager().readConfiguration(in);
      }
    } catch (java.io.IOException e) {
      System.err.println("airbag: could not read the built-in logging setup: " + e.getMessage());
    }
  }
}
