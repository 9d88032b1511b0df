package org.webfilter.policy.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Policy changes made in the logs UI, kept apart from the operator's hand-written {@code
 * conf/webfilter.yaml} in {@code <data-dir>/policy-edits.yaml} ({@link #FILE_NAME}). {@link
 * ConfigLoader} merges them over the roles on every load, at the level of the role they name, so a role
 * that {@code extends} an edited role inherits the edit like any other setting:
 *
 * <ul>
 *   <li>categories are changes, not a new list: {@code block-categories} are added to the role's
 *       blocked categories, {@code unblock-categories} taken out (never {@code illegal}); likewise
 *       {@code log-categories} / {@code unlog-categories}. A category the operator adds to the YAML
 *       later still applies;
 *   <li>{@code allow} and {@code block} entries are added like the role's own entries (each with its
 *       reason, author and time; an {@code allow} entry may have an {@code expires} time, after which
 *       it is ignored); {@code remove} takes entries (own or inherited) out of the role.
 * </ul>
 *
 * <p>Everything is validated like the YAML: unknown roles and categories, malformed entries, an entry
 * in both allow and block, and allow entries touching the illegal tier are errors, and a configuration
 * with an error is never put in force.
 */
public record PolicyEdits(Map<String, RoleEdits> roles) {
  public static final String FILE_NAME = "policy-edits.yaml";
  public static final PolicyEdits EMPTY = new PolicyEdits(Map.of());

  public PolicyEdits {
    Map<String, RoleEdits> m = new TreeMap<>();
    roles.forEach(
        (k, v) -> {
          if (!v.isEmpty()) {
            m.put(k, v);
          }
        });
    roles = java.util.Collections.unmodifiableMap(m);
  }

  /** The edits of one role; empty when there are none. */
  public RoleEdits role(String name) {
    return roles.getOrDefault(name, RoleEdits.NONE);
  }

  /** A copy with {@code role}'s edits replaced. */
  public PolicyEdits with(String role, RoleEdits edits) {
    Map<String, RoleEdits> m = new LinkedHashMap<>(roles);
    m.put(role, edits);
    return new PolicyEdits(m);
  }

  /** The edits file of a configuration: {@code <data-dir>/policy-edits.yaml}. */
  public static Path file(Path dataDir) {
    return dataDir.resolve(FILE_NAME);
  }

  /**
   * An allow or block entry added in the UI.
   *
   * @param value a domain or URL prefix, as in the YAML
   * @param reason why (required in the UI)
   * @param author the UI user who added it
   * @param time when it was added
   * @param expires when it stops applying, or {@code null} for never
   */
  public record EditedEntry(String value, String reason, String author, Instant time, Instant expires) {
    public EditedEntry {
      Objects.requireNonNull(value, "value");
      reason = reason == null ? "" : reason;
      author = author == null ? "" : author;
    }

    public boolean expiredAt(Instant now) {
      return expires != null && !now.isBefore(expires);
    }
  }

  /** One role's edits. */
  public record RoleEdits(
      Set<String> blockCategories,
      Set<String> unblockCategories,
      Set<String> logCategories,
      Set<String> unlogCategories,
      List<EditedEntry> allow,
      List<EditedEntry> block,
      Set<String> remove) {
    public static final RoleEdits NONE =
        new RoleEdits(Set.of(), Set.of(), Set.of(), Set.of(), List.of(), List.of(), Set.of());

    public RoleEdits {
      blockCategories = sorted(blockCategories);
      unblockCategories = sorted(unblockCategories);
      logCategories = sorted(logCategories);
      unlogCategories = sorted(unlogCategories);
      allow = List.copyOf(allow);
      block = List.copyOf(block);
      remove = sorted(remove);
    }

    public boolean isEmpty() {
      return blockCategories.isEmpty()
          && unblockCategories.isEmpty()
          && logCategories.isEmpty()
          && unlogCategories.isEmpty()
          && allow.isEmpty()
          && block.isEmpty()
          && remove.isEmpty();
    }

    public RoleEdits withCategories(Set<String> block, Set<String> unblock, Set<String> log, Set<String> unlog) {
      return new RoleEdits(block, unblock, log, unlog, allow, this.block, remove);
    }

    public RoleEdits withEntries(List<EditedEntry> allow, List<EditedEntry> block, Set<String> remove) {
      return new RoleEdits(blockCategories, unblockCategories, logCategories, unlogCategories, allow, block, remove);
    }

    private static Set<String> sorted(Collection<String> s) {
      return java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(s));
    }
  }

  /**
   * Reads the edits file; a missing file means no edits.
   *
   * @throws ConfigException naming the file and key when it is malformed
   */
  public static PolicyEdits read(Path file) throws ConfigException {
    if (!Files.exists(file)) {
      return EMPTY;
    }
    Object root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigError(file.toString(), 0, "", "cannot read: " + e)));
    } catch (RuntimeException e) {
      throw new ConfigException(
          List.of(new ConfigError(file.toString(), 0, "", "not valid YAML: " + e.getMessage().replace('\n', ' '))));
    }
    return fromYaml(root, file.toString());
  }

  /** Parses the text of an edits file (as {@link #toYaml()} writes it). */
  public static PolicyEdits parse(String yaml, String name) throws ConfigException {
    Object root;
    try {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (RuntimeException e) {
      throw new ConfigException(
          List.of(new ConfigError(name, 0, "", "not valid YAML: " + e.getMessage().replace('\n', ' '))));
    }
    return fromYaml(root, name);
  }

  private static PolicyEdits fromYaml(Object root, String name) throws ConfigException {
    List<ConfigError> errors = new ArrayList<>();
    Map<String, RoleEdits> roles = new LinkedHashMap<>();
    if (root != null) {
      if (!(root instanceof Map<?, ?> top) || !keysIn(top, Set.of("roles"), name, "", errors)) {
        throw new ConfigException(List.of(new ConfigError(name, 0, "", "expected a top-level 'roles:' mapping")));
      }
      Object rs = top.get("roles");
      if (rs != null && !(rs instanceof Map)) {
        errors.add(new ConfigError(name, 0, "roles", "expected a mapping of role names"));
      } else if (rs != null) {
        for (Map.Entry<?, ?> e : ((Map<?, ?>) rs).entrySet()) {
          String role = String.valueOf(e.getKey());
          roles.put(role, roleEdits(e.getValue(), name, "roles." + role, errors));
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new PolicyEdits(roles);
  }

  private static final Set<String> ROLE_KEYS =
      Set.of("block-categories", "unblock-categories", "log-categories", "unlog-categories", "allow", "block", "remove");
  private static final Set<String> ENTRY_KEYS = Set.of("entry", "reason", "author", "time", "expires");

  private static RoleEdits roleEdits(Object o, String name, String path, List<ConfigError> errors) {
    if (o == null) {
      return RoleEdits.NONE;
    }
    if (!(o instanceof Map<?, ?> m)) {
      errors.add(new ConfigError(name, 0, path, "expected a mapping"));
      return RoleEdits.NONE;
    }
    keysIn(m, ROLE_KEYS, name, path, errors);
    return new RoleEdits(
        strings(m.get("block-categories"), name, path + ".block-categories", errors),
        strings(m.get("unblock-categories"), name, path + ".unblock-categories", errors),
        strings(m.get("log-categories"), name, path + ".log-categories", errors),
        strings(m.get("unlog-categories"), name, path + ".unlog-categories", errors),
        entries(m.get("allow"), name, path + ".allow", errors),
        entries(m.get("block"), name, path + ".block", errors),
        strings(m.get("remove"), name, path + ".remove", errors));
  }

  private static boolean keysIn(Map<?, ?> m, Set<String> known, String name, String path, List<ConfigError> errors) {
    boolean ok = true;
    for (Object k : m.keySet()) {
      if (!known.contains(String.valueOf(k))) {
        errors.add(new ConfigError(name, 0, path.isEmpty() ? String.valueOf(k) : path + "." + k,
            "unknown key (expected one of: " + String.join(", ", new java.util.TreeSet<>(known)) + ")"));
        ok = false;
      }
    }
    return ok;
  }

  private static Set<String> strings(Object o, String name, String path, List<ConfigError> errors) {
    Set<String> out = new LinkedHashSet<>();
    if (o == null) {
      return out;
    }
    if (!(o instanceof List<?> l)) {
      errors.add(new ConfigError(name, 0, path, "expected a list"));
      return out;
    }
    for (Object v : l) {
      out.add(String.valueOf(v).trim());
    }
    return out;
  }

  private static List<EditedEntry> entries(Object o, String name, String path, List<ConfigError> errors) {
    List<EditedEntry> out = new ArrayList<>();
    if (o == null) {
      return out;
    }
    if (!(o instanceof List<?> l)) {
      errors.add(new ConfigError(name, 0, path, "expected a list"));
      return out;
    }
    for (int i = 0; i < l.size(); i++) {
      String key = path + "[" + i + "]";
      if (!(l.get(i) instanceof Map<?, ?> m) || !(m.get("entry") instanceof String value)) {
        errors.add(new ConfigError(name, 0, key, "expected a mapping with at least 'entry'"));
        continue;
      }
      keysIn(m, ENTRY_KEYS, name, key, errors);
      out.add(new EditedEntry(value.trim(), text(m.get("reason")), text(m.get("author")),
          instant(m.get("time"), name, key + ".time", errors), instant(m.get("expires"), name, key + ".expires", errors)));
    }
    return out;
  }

  private static String text(Object o) {
    return o == null ? "" : String.valueOf(o);
  }

  private static Instant instant(Object o, String name, String key, List<ConfigError> errors) {
    if (o == null) {
      return null;
    }
    if (o instanceof java.util.Date d) { // SnakeYAML resolves unquoted timestamps
      return d.toInstant();
    }
    try {
      return Instant.parse(String.valueOf(o).trim());
    } catch (DateTimeParseException e) {
      errors.add(new ConfigError(name, 0, key, "'" + o + "' (expected an ISO-8601 time such as 2026-11-23T10:15:00Z)"));
      return null;
    }
  }

  /** The file's text: block style, roles and keys in a stable order, times as quoted ISO-8601. */
  public String toYaml() {
    Map<String, Object> rs = new LinkedHashMap<>();
    roles.forEach((name, e) -> {
      Map<String, Object> m = new LinkedHashMap<>();
      putList(m, "block-categories", e.blockCategories());
      putList(m, "unblock-categories", e.unblockCategories());
      putList(m, "log-categories", e.logCategories());
      putList(m, "unlog-categories", e.unlogCategories());
      putEntries(m, "allow", e.allow());
      putEntries(m, "block", e.block());
      putList(m, "remove", e.remove());
      rs.put(name, m);
    });
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Yaml yaml = new Yaml(new Representer(opts), opts);
    return "# Policy edits made in the webfilter UI (see docs/configuration.md, \"Policy edits\").\n"
        + "# The UI rewrites this file; every version is kept in policy-history.jsonl.\n"
        + yaml.dump(Map.of("roles", rs));
  }

  private static void putList(Map<String, Object> m, String key, Set<String> values) {
    if (!values.isEmpty()) {
      m.put(key, new ArrayList<>(values));
    }
  }

  private static void putEntries(Map<String, Object> m, String key, List<EditedEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<Map<String, Object>> list = new ArrayList<>();
    for (EditedEntry e : entries) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("entry", e.value());
      x.put("reason", e.reason());
      x.put("author", e.author());
      if (e.time() != null) {
        x.put("time", e.time().toString());
      }
      if (e.expires() != null) {
        x.put("expires", e.expires().toString());
      }
      list.add(x);
    }
    m.put(key, list);
  }

  /** Writes {@link #toYaml()} to {@code file} atomically (readers see the old or the new file). */
  public void write(Path file) {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".policy-edits", ".tmp");
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        w.write(toYaml());
      }
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
