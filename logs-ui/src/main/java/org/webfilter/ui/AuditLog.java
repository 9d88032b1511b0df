package org.webfilter.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Who looked at what: an append-only file of JSON lines ({@code time}, {@code actor}, {@code
 * action}, {@code details}). Safeguarding searches reveal personal data, so every one is recorded
 * before its results are returned; if the record cannot be written, the search fails.
 */
final class AuditLog {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Clock clock;

  AuditLog(Path file, Clock clock) {
    this.file = file;
    this.clock = clock;
  }

  /** Appends one entry; {@code details} values are written as strings. */
  synchronized void record(String actor, String action, Map<String, String> details) {
    ObjectNode entry = JSON.createObjectNode();
    entry.put("time", clock.instant().toString());
    entry.put("actor", actor);
    entry.put("action", action);
    ObjectNode d = entry.putObject("details");
    details.forEach(d::put);
    try (OutputStream out =
        Files.newOutputStream(
            file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
      out.write(JSON.writeValueAsBytes(entry));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write audit log " + file, e);
    }
  }

  /**
   * The newest {@code n} entries, newest first. Reads the whole file: fine for an occasional admin
   * view.
   */
  synchronized List<JsonNode> latest(int n) throws IOException {
    Deque<String> tail = new ArrayDeque<>(n);
    if (Files.exists(file)) {
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (tail.size() == n) {
            tail.removeFirst();
          }
          tail.addLast(line);
        }
      }
    }
    List<JsonNode> out = new ArrayList<>(tail.size());
    for (var it = tail.descendingIterator(); it.hasNext(); ) {
      out.add(JSON.readTree(it.next()));
    }
    return out;
  }
}
