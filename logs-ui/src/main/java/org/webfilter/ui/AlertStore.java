package org.webfilter.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.AlertCodec;
import org.webfilter.events.AlertEvent;

/**
 * Safeguarding alerts and their outcomes: an append-only JSON-lines file {@code <data-dir>/alerts.jsonl}
 * ({@code {"alert": ...}} when one arrives, {@code {"ack": ...}} when the DSL closes it) and an index in
 * memory, rebuilt from the file on start. Adding is idempotent by the alert's id. Thread-safe.
 */
final class AlertStore {
  private static final Logger LOG = LoggerFactory.getLogger(AlertStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the DSL recorded when closing an alert. */
  enum Outcome {
    LOGGED_A_CONCERN("logged-a-concern", "Logged a concern"),
    NO_CONCERN("no-concern", "No concern"),
    REFERRED("referred", "Referred");

    final String id;
    final String label;

    Outcome(String id, String label) {
      this.id = id;
      this.label = label;
    }

    static Outcome parse(String s) {
      for (Outcome o : values()) {
        if (o.id.equals(s)) {
          return o;
        }
      }
      throw HttpError.badRequest("outcome", "'" + (s.length() > 40 ? s.substring(0, 40) : s)
          + "' (expected: logged-a-concern, no-concern or referred)");
    }
  }

  record Ack(Outcome outcome, String note, String by, Instant at) {}

  /** An alert and, once closed, its outcome. */
  record Entry(AlertEvent alert, Ack ack) {
    boolean open() {
      return ack == null;
    }
  }

  /** Most urgent first, then newest first. */
  static final Comparator<Entry> INBOX_ORDER =
      Comparator.comparing((Entry e) -> e.alert().severity()).reversed()
          .thenComparing(e -> e.alert().time(), Comparator.reverseOrder());

  private final Path file;
  private final Map<UUID, Entry> byId = new LinkedHashMap<>();

  AlertStore(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        int n = 0;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          n++;
          if (line.isBlank()) {
            continue;
          }
          try {
            apply(JSON.readTree(line));
          } catch (IOException | RuntimeException e) {
            LOG.warn("{}:{}: skipping unreadable line: {}", file, n, e.toString()); // e.g. a torn last line
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read alerts " + file, e);
      }
    }
  }

  private void apply(JsonNode n) throws IOException {
    if (n.has("alert")) {
      AlertEvent a = AlertCodec.decode(JSON.writeValueAsBytes(n.get("alert")));
      byId.putIfAbsent(a.eventId(), new Entry(a, null));
    } else if (n.has("ack")) {
      JsonNode k = n.get("ack");
      UUID id = UUID.fromString(k.get("id").asText());
      Entry e = byId.get(id);
      if (e != null) {
        byId.put(id, new Entry(e.alert(), new Ack(Outcome.parse(k.get("outcome").asText()),
            k.path("note").asText(""), k.path("by").asText(), Instant.parse(k.get("at").asText()))));
      }
    }
  }

  /** Adds the alerts not seen before and forces them to disk. */
  synchronized void add(List<AlertEvent> alerts) throws IOException {
    StringBuilder lines = new StringBuilder();
    for (AlertEvent a : alerts) {
      if (byId.containsKey(a.eventId())) {
        continue;
      }
      ObjectNode n = JSON.createObjectNode();
      n.set("alert", JSON.readTree(AlertCodec.encode(a)));
      lines.append(JSON.writeValueAsString(n)).append('\n');
      byId.put(a.eventId(), new Entry(a, null));
    }
    append(lines.toString());
  }

  synchronized Optional<Entry> find(UUID id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Closes an open alert with its outcome. */
  synchronized Entry ack(UUID id, Outcome outcome, String note, String by, Instant at) {
    Entry e = byId.get(id);
    if (e == null) {
      throw new HttpError(404, "no alert " + id);
    }
    if (!e.open()) {
      throw new HttpError(409, "this alert was already closed by " + e.ack().by());
    }
    ObjectNode n = JSON.createObjectNode();
    ObjectNode k = n.putObject("ack");
    k.put("id", id.toString());
    k.put("outcome", outcome.id);
    k.put("note", note == null ? "" : note);
    k.put("by", by);
    k.put("at", at.toString());
    try {
      append(JSON.writeValueAsString(n) + "\n");
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    Entry done = new Entry(e.alert(), new Ack(outcome, note == null ? "" : note, by, at));
    byId.put(id, done);
    return done;
  }

  /** {@code open}: open only; {@code closed}: closed only; null: all. In inbox order. */
  synchronized List<Entry> list(Boolean open) {
    List<Entry> out = new ArrayList<>();
    for (Entry e : byId.values()) {
      if (open == null || open == e.open()) {
        out.add(e);
      }
    }
    out.sort(INBOX_ORDER);
    return out;
  }

  private void append(String text) throws IOException {
    if (text.isEmpty()) {
      return;
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(false);
    }
  }
}
