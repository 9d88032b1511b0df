package org.webfilter.policy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads curated allow-list files ({@code roles.<name>.allow-lists}): one domain or URL prefix per line,
 * {@code #} comments. Each file is read and validated once however many roles use it.
 */
final class AllowListFiles {
  private final YamlReader y;
  private final Map<Path, List<ListEntry>> read = new HashMap<>();

  AllowListFiles(YamlReader y) {
    this.y = y;
  }

  List<ListEntry> read(Path file, Node at, String key) {
    List<ListEntry> cached = read.get(file);
    if (cached != null) {
      return cached;
    }
    List<ListEntry> out = new ArrayList<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      y.error(at, key, file + ": cannot read (" + e.getClass().getSimpleName() + ")");
      read.put(file, out);
      return out;
    }
    String name = file.toString();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String raw = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (raw.isEmpty()) {
        continue;
      }
      String v = ListEntries.canonical(raw);
      String problem = ListEntries.problem(v);
      if (problem != null) {
        y.errorAt(name + ":" + (i + 1), "", problem);
      } else {
        out.add(new ListEntry(v, name + ":" + (i + 1), key));
      }
    }
    read.put(file, List.copyOf(out));
    return read.get(file);
  }
}
