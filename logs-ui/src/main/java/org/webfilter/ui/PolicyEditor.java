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
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.PolicyEdits.EditedEntry;
import org.webfilter.policy.config.PolicyEdits.RoleEdits;
import org.webfilter.policy.config.RoleSettings;

/**
 * Changes the policy from the UI. Every change is made to the overlay {@code
 * <data-dir>/policy-edits.yaml} (never to the operator's YAML), validated by loading the whole
 * configuration with it, and only then written and put in force in the shared {@link
 * org.webfilter.policy.PolicyHolder}; a refused change leaves file and policy as they were. Each change
 * becomes a numbered version in {@code <data-dir>/policy-history.jsonl} with author, time, reason, a
 * diff and the complete overlay, so any version can be restored. One change at a time (synchronized).
 */
final class PolicyEditor {
  private static final Logger LOG = LoggerFactory.getLogger(PolicyEditor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String HISTORY_FILE = "policy-history.jsonl";

  /** One version of the overlay. Version 0 is "no edits" and is not stored. */
  record Version(
      int version, Instant time, String author, String action, String reason, List<String> diff, String edits) {}

  private final PolicyAccess access;
  private final Path editsFile;
  private final Path historyFile;
  private final Clock clock;
  private final List<Version> history = new ArrayList<>();

  PolicyEditor(PolicyAccess access, Path dataDir, Clock clock) {
    this.access = access;
    this.editsFile = PolicyEdits.file(dataDir);
    this.historyFile = dataDir.resolve(HISTORY_FILE);
    this.clock = clock;
    readHistory();
  }

  PolicyAccess access() {
    return access;
  }

  /** The overlay as it is on disk. */
  synchronized PolicyEdits current() {
    try {
      return PolicyEdits.read(editsFile);
    } catch (ConfigException e) {
      throw new HttpError(500, "the policy edits file is broken: " + messages(e.errors()));
    }
  }

  synchronized List<Version> history() {
    return List.copyOf(history);
  }

  synchronized int latestVersion() {
    return history.isEmpty() ? 0 : history.get(history.size() - 1).version();
  }

  /**
   * Sets a role's blocked and log-only categories as the UI shows them (inheritance and edits
   * resolved). Stored as changes relative to what the role would have without this edit, so a category
   * the operator later adds to the YAML still applies.
   */
  synchronized Version setCategories(String role, Set<String> blocked, Set<String> logOnly, String author, String reason) {
    RoleSettings now = role(role);
    return apply(author, "policy.categories", reason, edits -> {
      RoleEdits e = edits.role(role);
      Set<String>[] b = delta(now.blockedCategories(), blocked, e.blockCategories(), e.unblockCategories());
      Set<String>[] l = delta(now.logOnlyCategories(), logOnly, e.logCategories(), e.unlogCategories());
      return edits.with(role, e.withCategories(b[0], b[1], l[0], l[1]));
    });
  }

  /**
   * New (add, remove) so that (base - remove) + add == wanted, given the effective set {@code now} ==
   * (base - remove) + add for the old (add, remove), without knowing base.
   */
  @SuppressWarnings("unchecked")
  static Set<String>[] delta(Set<String> now, Set<String> wanted, Set<String> add, Set<String> remove) {
    Set<String> dropped = new TreeSet<>(now);
    dropped.removeAll(wanted);
    Set<String> gained = new TreeSet<>(wanted);
    gained.removeAll(now);
    Set<String> a = new TreeSet<>(add);
    a.removeAll(dropped);
    a.addAll(gained);
    Set<String> r = new TreeSet<>(remove);
    r.removeAll(gained);
    r.addAll(dropped);
    r.removeAll(a);
    return new Set[] {a, r};
  }

  /** Adds an allow or block entry to a role; an entry of the same value (either kind) is replaced. */
  synchronized Version addEntry(
      String role, boolean allow, String value, String reason, Instant expires, String author, String action) {
    RoleSettings now = role(role);
    String v = normalise(value);
    return apply(author, action, reason, edits -> {
      RoleEdits e = edits.role(role);
      List<EditedEntry> a = without(e.allow(), v);
      List<EditedEntry> b = without(e.block(), v);
      EditedEntry entry = new EditedEntry(v, reason, author, clock.instant(), allow ? expires : null);
      (allow ? a : b).add(entry);
      Set<String> remove = new TreeSet<>(e.remove());
      // The UI's word wins over the role's own hand-written entry of the other kind.
      List<RoleSettings.ListEntry> other = allow ? now.block() : now.allow();
      if (other.stream().anyMatch(x -> x.value().equals(v) && x.key().startsWith("roles." + role + "."))) {
        remove.add(v);
      }
      return edits.with(role, e.withEntries(a, b, remove));
    });
  }

  /** Removes an allow or block entry from a role: an edit is dropped, a hand-written one masked. */
  synchronized Version removeEntry(String role, boolean allow, String value, String reason, String author) {
    RoleSettings now = role(role);
    String v = normalise(value);
    List<RoleSettings.ListEntry> list = allow ? now.allow() : now.block();
    if (list.stream().noneMatch(x -> x.value().equals(v))) {
      throw HttpError.badRequest("entry", "'" + v + "' is not " + (allow ? "an allow" : "a block") + " entry of role " + role);
    }
    return apply(author, allow ? "policy.allow.remove" : "policy.block.remove", reason, edits -> {
      RoleEdits e = edits.role(role);
      List<EditedEntry> mine = allow ? e.allow() : e.block();
      boolean edited = mine.stream().anyMatch(x -> normalise(x.value()).equals(v));
      Set<String> remove = new TreeSet<>(e.remove());
      if (!edited) {
        remove.add(v);
      }
      return edits.with(role, e.withEntries(
          allow ? without(e.allow(), v) : e.allow(), allow ? e.block() : without(e.block(), v), remove));
    });
  }

  /** Restores the overlay of {@code version} as a new version. */
  synchronized Version rollback(int version, String author, String reason) {
    PolicyEdits target;
    if (version == 0) {
      target = PolicyEdits.EMPTY;
    } else {
      Version v = history.stream().filter(h -> h.version() == version).findFirst()
          .orElseThrow(() -> new HttpError(404, "no policy version " + version));
      try {
        target = PolicyEdits.parse(v.edits(), "version " + version);
      } catch (ConfigException e) {
        throw new HttpError(500, "version " + version + " cannot be read: " + messages(e.errors()));
      }
    }
    return apply(author, "policy.rollback", "roll back to version " + version + ": " + reason, edits -> target);
  }

  /** Drops allow entries whose time is up, as a version by {@code system}; null when none were due. */
  synchronized Version expireDue() {
    Instant now = clock.instant();
    PolicyEdits edits = current();
    boolean due = edits.roles().values().stream().anyMatch(e -> e.allow().stream().anyMatch(x -> x.expiredAt(now)));
    if (!due) {
      return null;
    }
    return apply("system", "policy.expire", "time-limited allow entries expired", ed -> {
      PolicyEdits out = ed;
      for (Map.Entry<String, RoleEdits> r : ed.roles().entrySet()) {
        List<EditedEntry> keep = r.getValue().allow().stream().filter(x -> !x.expiredAt(now)).toList();
        out = out.with(r.getKey(), r.getValue().withEntries(keep, r.getValue().block(), r.getValue().remove()));
      }
      return out;
    });
  }

  private Version apply(String author, String action, String reason, UnaryOperator<PolicyEdits> change) {
    if (reason == null || reason.isBlank()) {
      throw HttpError.badRequest("reason", "required: say why the policy changes");
    }
    PolicyEdits before = current();
    PolicyEdits after = change.apply(before);
    List<String> diff = diff(before, after);
    if (diff.isEmpty()) {
      throw new HttpError(400, "nothing to change: the policy already is like that");
    }
    PolicyLoader.Loaded loaded;
    try {
      loaded = PolicyLoader.load(access.configFile(), access.overrides(), after, clock);
    } catch (ConfigException e) {
      throw new HttpError(400, "refused, the policy in force stays: " + messages(e.errors()));
    }
    after.write(editsFile);
    access.holder().replace(loaded.policy());
    Version v = new Version(latestVersion() + 1, clock.instant(), author, action, reason.strip(), diff, after.toYaml());
    appendHistory(v);
    history.add(v);
    LOG.info("policy version {} by {}: {} ({})", v.version(), author, action, String.join("; ", diff));
    return v;
  }

  private RoleSettings role(String role) {
    return access.policy().role(role).orElseThrow(() -> new HttpError(404, "unknown role '" + role + "'"));
  }

  /** Longest regular-expression entry accepted from the UI. */
  static final int MAX_EXPRESSION = 1000;

  static String normalise(String value) {
    String stripped = value == null ? "" : value.strip();
    if (stripped.regionMatches(true, 0, "re:", 0, 3)) {
      // a regular expression: case matters (\S is not \s); the policy validates it
      String re = "re:" + stripped.substring(3);
      if (re.length() == 3 || re.length() > MAX_EXPRESSION) {
        throw HttpError.badRequest("entry", re.length() == 3 ? "empty regular expression" : "regular expression too long");
      }
      return re;
    }
    String v = stripped.toLowerCase(Locale.ROOT);
    int scheme = v.indexOf("://");
    if (scheme >= 0) {
      v = v.substring(scheme + 3);
    }
    if (v.endsWith("/") && v.indexOf('/') == v.length() - 1) {
      v = v.substring(0, v.length() - 1);
    }
    if (v.isEmpty()) {
      throw HttpError.badRequest("entry", "required (a domain such as example.com or a URL prefix such as example.com/path)");
    }
    if (v.length() > 253) {
      throw HttpError.badRequest("entry", "too long");
    }
    return v;
  }

  private static List<EditedEntry> without(List<EditedEntry> entries, String v) {
    List<EditedEntry> out = new ArrayList<>();
    for (EditedEntry e : entries) {
      if (!normalise(e.value()).equals(v)) {
        out.add(e);
      }
    }
    return out;
  }

  /** What changed, one line per item: {@code + pupil allow games.test (reason: ...)}. */
  static List<String> diff(PolicyEdits a, PolicyEdits b) {
    List<String> out = new ArrayList<>();
    Set<String> roles = new TreeSet<>(a.roles().keySet());
    roles.addAll(b.roles().keySet());
    for (String r : roles) {
      RoleEdits x = a.role(r);
      RoleEdits y = b.role(r);
      sets(out, r, "blocks category", x.blockCategories(), y.blockCategories());
      sets(out, r, "unblocks category", x.unblockCategories(), y.unblockCategories());
      sets(out, r, "logs category", x.logCategories(), y.logCategories());
      sets(out, r, "stops logging category", x.unlogCategories(), y.unlogCategories());
      entries(out, r, "allow", x.allow(), y.allow());
      entries(out, r, "block", x.block(), y.block());
      sets(out, r, "removes configured entry", x.remove(), y.remove());
    }
    return out;
  }

  private static void sets(List<String> out, String role, String what, Set<String> a, Set<String> b) {
    for (String s : b) {
      if (!a.contains(s)) {
        out.add("+ " + role + " " + what + " " + s);
      }
    }
    for (String s : a) {
      if (!b.contains(s)) {
        out.add("- " + role + " " + what + " " + s);
      }
    }
  }

  private static void entries(List<String> out, String role, String kind, List<EditedEntry> a, List<EditedEntry> b) {
    Set<EditedEntry> before = new HashSet<>(a);
    Set<EditedEntry> after = new HashSet<>(b);
    for (EditedEntry e : b) {
      if (!before.contains(e)) {
        out.add("+ " + role + " " + kind + " " + e.value() + describe(e));
      }
    }
    for (EditedEntry e : a) {
      if (!after.contains(e)) {
        out.add("- " + role + " " + kind + " " + e.value() + describe(e));
      }
    }
  }

  private static String describe(EditedEntry e) {
    return " (reason: " + e.reason() + (e.expires() == null ? "" : "; expires " + e.expires()) + ")";
  }

  static String messages(List<ConfigError> errors) {
    return errors.stream().map(PolicyEditor::message).collect(Collectors.joining("; "));
  }

  /** An error without the server's file paths: the key and the message. */
  private static String message(ConfigError e) {
    String file = e.file() == null ? "" : Path.of(e.file()).getFileName().toString();
    return (e.key().isEmpty() ? file : e.key()) + ": " + e.message();
  }

  private void readHistory() {
    if (!Files.exists(historyFile)) {
      return;
    }
    try (BufferedReader r = Files.newBufferedReader(historyFile, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        List<String> diff = new ArrayList<>();
        n.path("diff").forEach(d -> diff.add(d.asText()));
        history.add(new Version(n.path("version").asInt(), Instant.parse(n.path("time").asText()),
            n.path("author").asText(), n.path("action").asText(), n.path("reason").asText(), diff,
            n.path("edits").asText()));
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot read policy history " + historyFile + ": " + e, e);
    }
  }

  private void appendHistory(Version v) {
    ObjectNode n = toJson(v, true);
    try (OutputStream out = Files.newOutputStream(historyFile,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
      out.write(JSON.writeValueAsBytes(n));
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + historyFile, e);
    }
  }

  static ObjectNode toJson(Version v, boolean withEdits) {
    ObjectNode n = JSON.createObjectNode();
    n.put("version", v.version());
    n.put("time", v.time().toString());
    n.put("author", v.author());
    n.put("action", v.action());
    n.put("reason", v.reason());
    v.diff().forEach(n.putArray("diff")::add);
    if (withEdits) {
      n.put("edits", v.edits());
    }
    return n;
  }

  /** The categories a category form may offer: the product's and every one some role uses. */
  static Set<String> knownCategories(PolicyAccess access) {
    Set<String> out = new TreeSet<>(org.webfilter.policy.Categories.PRODUCT);
    for (String r : access.policy().roleNames()) {
      access.policy().role(r).ifPresent(s -> {
        out.addAll(s.blockedCategories());
        out.addAll(s.logOnlyCategories());
      });
    }
    return out;
  }

  static Set<String> set(List<String> values) {
    Set<String> out = new LinkedHashSet<>();
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        out.add(v.strip());
      }
    }
    return out;
  }

  static <T> T orDefault(T v, T d) {
    return Objects.requireNonNullElse(v, d);
  }
}
