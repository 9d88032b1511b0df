package org.webfilter.policy.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Typed reads from a SnakeYAML node tree that remember where each value was written, so every error
 * names file, line and key. Reads never throw: a bad value is recorded and a default returned, so one
 * pass collects every problem.
 */
final class YamlReader {
  private final String file;
  private final List<ConfigError> errors;

  YamlReader(String file, List<ConfigError> errors) {
    this.file = file;
    this.errors = errors;
  }

  void error(Node at, String key, String message) {
    errors.add(new ConfigError(file, at == null ? 0 : at.getStartMark().getLine() + 1, key, message));
  }

  /** An error at a {@code file:line} recorded earlier (e.g. {@link TimeRule#source()}). */
  void errorAt(String source, String key, String message) {
    int colon = source.lastIndexOf(':');
    int line = 0;
    try {
      line = Integer.parseInt(source.substring(colon + 1));
    } catch (RuntimeException e) {
      colon = source.length();
    }
    errors.add(new ConfigError(source.substring(0, colon), line, key, message));
  }

  String where(Node n) {
    return file + ":" + (n.getStartMark().getLine() + 1);
  }

  /** The mapping's entries by key, reporting keys that are not in {@code known}. */
  Map<String, Node> mapping(Node node, String path, Set<String> known) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (node == null) {
      return out;
    }
    if (!(node instanceof MappingNode m)) {
      error(node, path, "expected a mapping of keys to values");
      return out;
    }
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        error(t.getKeyNode(), path, "keys must be plain text");
        continue;
      }
      String key = k.getValue();
      String full = path.isEmpty() ? key : path + "." + key;
      if (known != null && !known.contains(key)) {
        error(k, full, "unknown key (expected one of: " + String.join(", ", known) + ")");
      } else if (out.containsKey(key)) {
        error(k, full, "duplicate key");
      } else {
        out.put(key, t.getValueNode());
      }
    }
    return out;
  }

  /** Every key of a free-form mapping (e.g. roles by name), with its value node. */
  Map<String, Node> anyMapping(Node node, String path) {
    return mapping(node, path, null);
  }

  String string(Node node, String path, String dflt) {
    if (node == null || isNull(node)) {
      return dflt;
    }
    if (!(node instanceof ScalarNode s)) {
      error(node, path, "expected a single value");
      return dflt;
    }
    return s.getValue();
  }

  int integer(Node node, String path, int dflt, int min, int max) {
    String s = string(node, path, null);
    if (s == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(s.trim());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    error(node, path, s + " (expected: " + min + "-" + max + ")");
    return dflt;
  }

  /** {@code true} or {@code false}; anything else is an error and gives {@code dflt}. */
  Boolean bool(Node node, String path, Boolean dflt) {
    String s = string(node, path, null);
    if (s == null) {
      return dflt;
    }
    switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "true":
        return Boolean.TRUE;
      case "false":
        return Boolean.FALSE;
      default:
        error(node, path, "'" + s + "' (expected: true or false)");
        return dflt;
    }
  }

  int line(Node n) {
    return n == null ? 0 : n.getStartMark().getLine() + 1;
  }

  String file() {
    return file;
  }

  /** A list of scalars; a single scalar is accepted as a one-element list. */
  List<Node> sequence(Node node, String path) {
    if (node == null || isNull(node)) {
      return List.of();
    }
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    if (node instanceof ScalarNode) {
      return List.of(node);
    }
    error(node, path, "expected a list");
    return List.of();
  }

  /** The items of a list (or a single scalar) without reporting anything; for second passes. */
  List<Node> itemsQuietly(Node node) {
    if (node instanceof SequenceNode seq) {
      return seq.getValue();
    }
    return node instanceof ScalarNode && !isNull(node) ? List.of(node) : List.of();
  }

  List<String> strings(Node node, String path) {
    List<String> out = new ArrayList<>();
    List<Node> items = sequence(node, path);
    for (int i = 0; i < items.size(); i++) {
      String s = string(items.get(i), path + "[" + i + "]", null);
      if (s != null) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** Parses each list item with {@code parse}; an {@link IllegalArgumentException} becomes an error. */
  <T> List<T> parsedList(Node node, String path, Function<String, T> parse) {
    List<T> out = new ArrayList<>();
    List<Node> items = sequence(node, path);
    for (int i = 0; i < items.size(); i++) {
      String s = string(items.get(i), path + "[" + i + "]", null);
      if (s == null) {
        continue;
      }
      try {
        out.add(parse.apply(s.trim()));
      } catch (IllegalArgumentException e) {
        error(items.get(i), path + "[" + i + "]", e.getMessage());
      }
    }
    return out;
  }

  private static boolean isNull(Node n) {
    return n instanceof ScalarNode s && n.getTag().getValue().endsWith(":null");
  }
}
