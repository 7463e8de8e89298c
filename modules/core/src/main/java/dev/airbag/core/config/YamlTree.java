package dev.airbag.core.config;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML node that knows where it stands (file, line, dotted path), so every config error can name
 * all three. Strings of the form {@code os.environ/NAME} resolve from the environment; their values
 * are never echoed in an error.
 */
final class YamlTree {

  private static final String ENV_PREFIX = "os.environ/";

  private final String file;
  private final String path;
  private final Node node;
  private final Function<String, String> env;

  private YamlTree(String file, String path, Node node, Function<String, String> env) {
    this.file = file;
    this.path = path;
    this.node = node;
    this.env = env;
  }

  static YamlTree parse(String file, String text, Function<String, String> env) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Node root;
    try {
      root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      int line = e.getProblemMark() == null ? 1 : e.getProblemMark().getLine() + 1;
      throw new ConfigException(file + ":" + line + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException e) {
      throw new ConfigException(file + ": not valid YAML: " + e.getMessage());
    }
    if (root == null) {
      throw new ConfigException(file + ":1: the file is empty; it needs at least a model_list");
    }
    YamlTree tree = new YamlTree(file, "", root, env);
    if (!(root instanceof MappingNode)) {
      throw tree.error("expected a mapping of settings at the top level");
    }
    return tree;
  }

  String path() {
    return path.isEmpty() ? "(top level)" : path;
  }

  int line() {
    return node.getStartMark().getLine() + 1;
  }

  ConfigException error(String message) {
    return new ConfigException(file + ":" + line() + ": " + path() + ": " + message);
  }

  boolean isMapping() {
    return node instanceof MappingNode;
  }

  /** The children of a mapping in declared order; duplicate keys are an error. */
  Map<String, YamlTree> entries() {
    if (!(node instanceof MappingNode mapping)) {
      throw error("expected a mapping (key: value pairs)");
    }
    Map<String, YamlTree> out = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode keyNode)) {
        throw child("?", tuple.getKeyNode()).error("keys must be plain names");
      }
      String key = keyNode.getValue();
      YamlTree value = child(key, tuple.getValueNode());
      if (out.put(key, value) != null) {
        throw child(key, keyNode).error("is given twice");
      }
    }
    return out;
  }

  /**
   * A child, or empty when the key is missing or has no value ({@code key:} or {@code key: null}).
   */
  Optional<YamlTree> get(String key) {
    YamlTree value = entries().get(key);
    return value == null || value.isNull() ? Optional.empty() : Optional.of(value);
  }

  YamlTree require(String key) {
    return get(key).orElseThrow(() -> error("missing required field '" + key + "'"));
  }

  List<YamlTree> items() {
    if (!(node instanceof SequenceNode sequence)) {
      throw error("expected a list");
    }
    List<YamlTree> out = new ArrayList<>();
    List<Node> values = sequence.getValue();
    for (int i = 0; i < values.size(); i++) {
      out.add(new YamlTree(file, path + "[" + i + "]", values.get(i), env));
    }
    return out;
  }

  boolean isNull() {
    return node instanceof ScalarNode s && Tag.NULL.equals(s.getTag());
  }

  /** A plain string; {@code os.environ/NAME} resolves, and a missing variable is named. */
  String string() {
    String raw = scalar("a string");
    if (raw.startsWith(ENV_PREFIX)) {
      String name = raw.substring(ENV_PREFIX.length()).trim();
      String value = env.apply(name);
      if (value == null || value.isEmpty()) {
        throw error("environment variable " + name + " is not set (referenced as " + raw + ")");
      }
      return value;
    }
    return raw;
  }

  /** A string that must not be shown anywhere: a key or token. */
  Secret secret() {
    return Secret.of(string());
  }

  /** Whether this string is a reference to the environment rather than a literal value. */
  boolean isEnvReference() {
    return node instanceof ScalarNode s && s.getValue().startsWith(ENV_PREFIX);
  }

  int integer(int min, int max) {
    String raw = resolvedNumber("a whole number");
    try {
      long value = Long.parseLong(raw.trim());
      if (value < min || value > max) {
        throw error("must be between " + min + " and " + max + ", got " + value);
      }
      return (int) value;
    } catch (NumberFormatException e) {
      throw error("expected a whole number, got \"" + raw + "\"");
    }
  }

  double number(double min, double max) {
    String raw = resolvedNumber("a number");
    try {
      double value = Double.parseDouble(raw.trim());
      if (!(value >= min && value <= max)) {
        throw error("must be between " + min + " and " + max + ", got " + raw.trim());
      }
      return value;
    } catch (NumberFormatException e) {
      throw error("expected a number, got \"" + raw + "\"");
    }
  }

  boolean bool() {
    String raw = scalar("true or false").toLowerCase(Locale.ROOT);
    return switch (raw) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw error("expected true or false, got \"" + raw + "\"");
    };
  }

  /**
   * {@code 300s}, {@code 5m}, {@code 1h}, {@code 250ms} or plain (possibly fractional) seconds; >
   * 0.
   */
  Duration duration() {
    String raw = resolvedNumber("a duration");
    return Durations.parse(raw)
        .orElseThrow(
            () ->
                error(
                    "expected a duration of at least 1ms such as 30, 300s, 5m, 1h or 250ms, got \""
                        + raw
                        + "\""));
  }

  List<String> stringList() {
    if (node instanceof ScalarNode) {
      return List.of(string());
    }
    return items().stream().map(YamlTree::string).toList();
  }

  private String resolvedNumber(String expected) {
    // Numbers may come from the environment too; the resolved value is not secret, so it may be
    // echoed.
    return isEnvReference() ? string() : scalar(expected);
  }

  private String scalar(String expected) {
    if (!(node instanceof ScalarNode s) || isNull()) {
      throw error("expected " + expected);
    }
    return s.getValue();
  }

  private YamlTree child(String key, Node value) {
    return new YamlTree(file, path.isEmpty() ? key : path + "." + key, value, env);
  }
}
