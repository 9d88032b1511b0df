package org.webfilter.policy.config;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.Categories;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.IdentitySettings.NetworkRole;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads and validates {@code conf/webfilter.yaml}. Every key is declared here once with its default;
 * docs/configuration.md is the operator's reference. Relative paths are resolved against the directory
 * of the configuration file. All problems are collected and thrown together.
 */
public final class ConfigLoader {
  static final List<String> DEFAULT_ALLOWED_NETWORKS =
      List.of("127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");

  private static final Set<String> TOP =
      Set.of("data-dir", "proxy", "ui", "kafka", "lists", "identity", "users-file", "roles", "alerts",
          "time-zone", "term-dates");
  private static final Set<String> PROXY =
      Set.of("bind", "port", "allowed-networks", "resolve", "node-name", "connect-ports", "limits", "upstream");
  private static final Set<String> LIMITS =
      Set.of("max-request-line", "max-header-bytes", "max-header-count", "max-connections-per-client",
          "idle-timeout-seconds", "header-timeout-seconds", "connect-timeout-seconds");
  private static final Set<String> UPSTREAM = Set.of("idle-keep-seconds", "idle-per-origin");
  private static final Set<String> UI = Set.of("bind", "port", "retention-days");
  private static final Set<String> KAFKA = Set.of("bootstrap", "topics", "properties");
  private static final Set<String> TOPICS = Set.of("access", "alerts", "partitions", "replication-factor");
  private static final Set<String> LISTS = Set.of("roots", "category-map", "sources", "host-cache-size");
  private static final Set<String> SOURCE = Set.of("path", "format", "category");
  private static final Set<String> IDENTITY = Set.of("default-role", "networks", "login-required", "ldap");
  private static final Set<String> NETWORK = Set.of("network", "role");
  private static final Set<String> TERM = Set.of("from", "to");

  private ConfigLoader() {}

  public static WebfilterConfig load(Path file) throws ConfigException {
    return load(file, ConfigOverrides.NONE);
  }

  /**
   * Loads, applies the command-line overrides and validates.
   *
   * @throws ConfigException with every problem found
   */
  public static WebfilterConfig load(Path file, ConfigOverrides overrides) throws ConfigException {
    return load(file, overrides, null, Clock.systemUTC());
  }

  /**
   * As {@link #load(Path, ConfigOverrides)}, with the clock that decides which UI allow entries have
   * expired ({@link PolicyEdits}).
   */
  public static WebfilterConfig load(Path file, ConfigOverrides overrides, Clock clock) throws ConfigException {
    return load(file, overrides, null, clock);
  }

  /**
   * Loads, applies the command-line overrides, merges the UI's policy edits over the roles and validates.
   *
   * @param edits the edits to merge; {@code null} reads {@code <data-dir>/policy-edits.yaml} (none when
   *     missing). Passing them lets the UI validate a proposed edit before writing it.
   * @param clock UI allow entries whose {@code expires} is not after {@code clock.instant()} are left out
   * @throws ConfigException with every problem found
   */
  public static WebfilterConfig load(Path file, ConfigOverrides overrides, PolicyEdits edits, Clock clock)
      throws ConfigException {
    String name = file.toString();
    List<ConfigError> errors = new ArrayList<>();
    Node root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (IOException e) {
      throw new ConfigException(List.of(new ConfigError(name, 0, "", "cannot read: " + e)));
    } catch (RuntimeException e) { // SnakeYAML's MarkedYAMLException carries the position in its message
      throw new ConfigException(
          List.of(new ConfigError(name, 0, "", "not valid YAML: " + e.getMessage().replace('\n', ' '))));
    }
    YamlReader y = new YamlReader(name, errors);
    Path base = file.toAbsolutePath().getParent();
    Map<String, Node> top = y.mapping(root, "", TOP);

    Path dataDir =
        overrides.dataDir() != null
            ? overrides.dataDir()
            : base.resolve(y.string(top.get("data-dir"), "data-dir", "../data"));
    ProxySettings proxy = proxy(y, top.get("proxy"), overrides);
    UiSettings ui = ui(y, top.get("ui"), overrides);
    KafkaSettings kafka = kafka(y, top.get("kafka"), overrides);
    ListSettings lists = lists(y, top.get("lists"), base, dataDir, overrides);
    SchoolCalendar calendar = calendar(y, top.get("time-zone"), top.get("term-dates"));
    Path editsFile = PolicyEdits.file(dataDir).normalize();
    if (edits == null) {
      try {
        edits = PolicyEdits.read(editsFile);
      } catch (ConfigException e) {
        errors.addAll(e.errors());
        edits = PolicyEdits.EMPTY;
      }
    }
    Map<String, RoleSettings> roles =
        roles(y, top.get("roles"), knownCategories(lists), base, !calendar.terms().isEmpty(),
            new RoleInheritance.Edits(edits, editsFile.toString(), clock.instant()));
    checkIllegalTier(y, roles, lists);
    IdentitySettings identity = identity(y, top.get("identity"), roles.keySet(), base);
    String usersFile = y.string(top.get("users-file"), "users-file", "");
    Path users = usersFile.isBlank() ? dataDir.resolve("users.yaml") : base.resolve(usersFile);
    List<AlertRule> alerts =
        top.containsKey("alerts") ? alerts(y, top.get("alerts"), knownCategories(lists)) : AlertRule.DEFAULTS;

    if (!errors.isEmpty()) {
      throw new ConfigException(List.copyOf(new LinkedHashSet<>(errors))); // a shared allow-list reports once
    }
    return new WebfilterConfig(
        file, proxy, ui, dataDir.normalize(), kafka, lists, identity, users.normalize(), roles, calendar,
        alerts);
  }

  private static final Set<String> ALERT = Set.of("category", "severity", "kind", "search-score");

  /** {@code alerts:} a list of {category, severity, kind, search-score}; each category at most once. */
  private static List<AlertRule> alerts(YamlReader y, Node node, Set<String> known) {
    List<AlertRule> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Node> items = y.sequence(node, "alerts");
    for (int i = 0; i < items.size(); i++) {
      String path = "alerts[" + i + "]";
      Map<String, Node> m = y.mapping(items.get(i), path, ALERT);
      String category = y.string(m.get("category"), path + ".category", "");
      String severity = y.string(m.get("severity"), path + ".severity", "");
      if (!known.contains(category)) {
        y.error(m.getOrDefault("category", items.get(i)), path + ".category", "unknown category '" + category + "'");
      } else if (!seen.add(category)) {
        y.error(m.get("category"), path + ".category", "category '" + category + "' has an alert rule already");
      }
      if (!AlertRule.SEVERITIES.contains(severity)) {
        y.error(m.getOrDefault("severity", items.get(i)), path + ".severity",
            "'" + severity + "' (expected one of: " + String.join(", ", AlertRule.SEVERITIES) + ")");
      }
      String kind = y.string(m.get("kind"), path + ".kind", category);
      int searchScore = y.integer(m.get("search-score"), path + ".search-score", 0, 0, 1_000_000);
      out.add(new AlertRule(category, severity, kind.isBlank() ? category : kind, searchScore));
    }
    return out;
  }

  private static ProxySettings proxy(YamlReader y, Node node, ConfigOverrides o) {
    Map<String, Node> m = y.mapping(node, "proxy", PROXY);
    String bind = y.string(m.get("bind"), "proxy.bind", "0.0.0.0");
    int port = y.integer(m.get("port"), "proxy.port", 3128, 0, 65535);
    if (o.proxyPort() != null) {
      port = o.proxyPort();
    }
    List<Cidr> allowed =
        m.containsKey("allowed-networks")
            ? y.parsedList(m.get("allowed-networks"), "proxy.allowed-networks", Cidr::parse)
            : DEFAULT_ALLOWED_NETWORKS.stream().map(Cidr::parse).toList();
    Map<String, String> resolve = new LinkedHashMap<>();
    y.anyMapping(m.get("resolve"), "proxy.resolve")
        .forEach((host, ip) -> resolve.put(host.toLowerCase(), y.string(ip, "proxy.resolve." + host, "")));
    resolve.putAll(o.resolve());
    resolve.forEach(
        (host, ip) -> {
          if (!ip.matches("[0-9a-fA-F:.]+")) {
            y.error(m.get("resolve"), "proxy.resolve." + host, "'" + ip + "' is not an IP address");
          }
        });
    String nodeName = y.string(m.get("node-name"), "proxy.node-name", "");
    if (nodeName.isBlank()) {
      nodeName = localHostName();
    }
    Set<Integer> connectPorts =
        m.containsKey("connect-ports")
            ? new java.util.TreeSet<>(
                y.parsedList(m.get("connect-ports"), "proxy.connect-ports", ConfigLoader::port))
            : ProxySettings.DEFAULT_CONNECT_PORTS;
    return new ProxySettings(bind, port, allowed, resolve, nodeName, connectPorts,
        limits(y, m.get("limits")), upstream(y, m.get("upstream")));
  }

  /** {@code proxy.limits}; the bounds keep a typo from making the proxy useless or defenceless. */
  private static ProxyLimits limits(YamlReader y, Node node) {
    Map<String, Node> m = y.mapping(node, "proxy.limits", LIMITS);
    ProxyLimits d = ProxyLimits.DEFAULTS;
    return new ProxyLimits(
        y.integer(m.get("max-request-line"), "proxy.limits.max-request-line", d.maxRequestLine(), 256, 1 << 20),
        y.integer(m.get("max-header-bytes"), "proxy.limits.max-header-bytes", d.maxHeaderBytes(), 1024, 1 << 20),
        y.integer(m.get("max-header-count"), "proxy.limits.max-header-count", d.maxHeaderCount(), 8, 10_000),
        y.integer(m.get("max-connections-per-client"), "proxy.limits.max-connections-per-client",
            d.maxConnectionsPerClient(), 1, 1_000_000),
        seconds(y, m.get("idle-timeout-seconds"), "proxy.limits.idle-timeout-seconds", d.idleTimeout(), 86_400),
        seconds(y, m.get("header-timeout-seconds"), "proxy.limits.header-timeout-seconds", d.headerTimeout(), 3600),
        seconds(y, m.get("connect-timeout-seconds"), "proxy.limits.connect-timeout-seconds", d.connectTimeout(),
            600));
  }

  private static UpstreamSettings upstream(YamlReader y, Node node) {
    Map<String, Node> m = y.mapping(node, "proxy.upstream", UPSTREAM);
    UpstreamSettings d = UpstreamSettings.DEFAULTS;
    return new UpstreamSettings(
        seconds(y, m.get("idle-keep-seconds"), "proxy.upstream.idle-keep-seconds", d.idleKeep(), 3600),
        y.integer(m.get("idle-per-origin"), "proxy.upstream.idle-per-origin", d.idlePerOrigin(), 0, 10_000));
  }

  /** A whole number of seconds, 1 to {@code max}, like the other {@code -seconds} keys. */
  private static Duration seconds(YamlReader y, Node node, String path, Duration dflt, int max) {
    return Duration.ofSeconds(y.integer(node, path, (int) dflt.toSeconds(), 1, max));
  }

  private static Integer port(String s) {
    try {
      int p = Integer.parseInt(s);
      if (p >= 1 && p <= 65535) {
        return p;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(s + " (expected: 1-65535)");
  }

  private static UiSettings ui(YamlReader y, Node node, ConfigOverrides o) {
    Map<String, Node> m = y.mapping(node, "ui", UI);
    int port = y.integer(m.get("port"), "ui.port", 8080, 0, 65535);
    return new UiSettings(
        y.string(m.get("bind"), "ui.bind", "127.0.0.1"), o.uiPort() != null ? o.uiPort() : port,
        y.integer(m.get("retention-days"), "ui.retention-days", UiSettings.DEFAULT_RETENTION_DAYS, 1, 3650));
  }

  private static KafkaSettings kafka(YamlReader y, Node node, ConfigOverrides o) {
    Map<String, Node> m = y.mapping(node, "kafka", KAFKA);
    Map<String, Node> t = y.mapping(m.get("topics"), "kafka.topics", TOPICS);
    Map<String, String> props = new LinkedHashMap<>();
    y.anyMapping(m.get("properties"), "kafka.properties")
        .forEach((k, v) -> props.put(k, y.string(v, "kafka.properties." + k, "")));
    String bootstrap = o.kafkaBootstrap() != null ? o.kafkaBootstrap() : y.string(m.get("bootstrap"), "kafka.bootstrap", "");
    return new KafkaSettings(
        bootstrap.trim(),
        y.string(t.get("access"), "kafka.topics.access", "webfilter.access"),
        y.string(t.get("alerts"), "kafka.topics.alerts", "webfilter.alerts"),
        y.integer(t.get("partitions"), "kafka.topics.partitions", 3, 1, 1000),
        (short) y.integer(t.get("replication-factor"), "kafka.topics.replication-factor", 1, 1, 10),
        props);
  }

  private static ListSettings lists(YamlReader y, Node node, Path base, Path dataDir, ConfigOverrides o) {
    Map<String, Node> m = y.mapping(node, "lists", LISTS);
    List<Path> roots = new ArrayList<>();
    List<Node> rootNodes = y.sequence(m.get("roots"), "lists.roots");
    for (int i = 0; i < rootNodes.size(); i++) {
      String r = y.string(rootNodes.get(i), "lists.roots[" + i + "]", null);
      if (r == null) {
        continue;
      }
      Path p = base.resolve(r).normalize();
      if (!Files.isDirectory(p)) {
        y.error(rootNodes.get(i), "lists.roots[" + i + "]", p + " is not a directory");
      }
      roots.add(p);
    }
    roots.addAll(importedRoots(dataDir));
    roots.addAll(o.extraLists());
    Map<String, String> map = new HashMap<>();
    y.anyMapping(m.get("category-map"), "lists.category-map")
        .forEach((folder, v) -> map.put(folder, y.string(v, "lists.category-map." + folder, folder)));
    ListSettings withoutSources = new ListSettings(roots, map);
    int hostCache = y.integer(m.get("host-cache-size"), "lists.host-cache-size", ListSettings.DEFAULT_HOST_CACHE_SIZE,
        0, 10_000_000);
    return new ListSettings(roots, map, sources(y, m.get("sources"), base, knownCategories(withoutSources)),
        hostCache);
  }

  /** {@code lists.sources}: {path, format: ut1|hosts|plain, category}, each path relative to this file. */
  private static List<ListSource> sources(YamlReader y, Node node, Path base, Set<String> known) {
    List<ListSource> out = new ArrayList<>();
    List<Node> items = y.sequence(node, "lists.sources");
    for (int i = 0; i < items.size(); i++) {
      String key = "lists.sources[" + i + "]";
      Map<String, Node> m = y.mapping(items.get(i), key, SOURCE);
      String path = y.string(m.get("path"), key + ".path", null);
      String format = y.string(m.get("format"), key + ".format", null);
      String category = y.string(m.get("category"), key + ".category", null);
      boolean ok = true;
      if (path == null || path.isBlank()) {
        y.error(items.get(i), key + ".path", "missing (expected a list file, or a UT1 category folder with format ut1)");
        ok = false;
      }
      ListSource.Format f = null;
      for (ListSource.Format candidate : ListSource.Format.values()) {
        if (candidate.key().equals(format == null ? null : format.trim())) {
          f = candidate;
        }
      }
      if (f == null) {
        y.error(m.getOrDefault("format", items.get(i)), key + ".format",
            (format == null ? "missing" : "'" + format + "'") + " (expected one of: ut1, hosts, plain)");
        ok = false;
      }
      if (category == null || !known.contains(category.trim())) {
        y.error(m.getOrDefault("category", items.get(i)), key + ".category",
            (category == null ? "missing" : "unknown category '" + category + "'")
                + " (expected a product category or a value of lists.category-map)");
        ok = false;
      }
      if (!ok) {
        continue;
      }
      Path p = base.resolve(path.trim()).normalize();
      boolean folder = f == ListSource.Format.UT1;
      if (folder ? !Files.isDirectory(p) : !Files.isRegularFile(p)) {
        y.error(m.get("path"), key + ".path", p + (folder ? " is not a directory (format ut1 is a UT1 category folder)"
            : " is not a readable file"));
        continue;
      }
      out.add(new ListSource(p, f, category.trim(), y.where(items.get(i)), key));
    }
    return out;
  }

  /** Lists brought in by {@code webfilter lists import}: every folder under {@code <data-dir>/lists}. */
  private static List<Path> importedRoots(Path dataDir) {
    Path imported = dataDir.resolve("lists");
    if (!Files.isDirectory(imported)) {
      return List.of();
    }
    try (var s = Files.list(imported)) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of(imported); // the loader reports the unreadable folder with its path
    }
  }

  private static Set<String> knownCategories(ListSettings lists) {
    Set<String> known = new HashSet<>(Categories.PRODUCT);
    known.addAll(lists.categoryMap().values());
    return known;
  }

  private static SchoolCalendar calendar(YamlReader y, Node zoneNode, Node termsNode) {
    String zoneText = y.string(zoneNode, "time-zone", SchoolCalendar.DEFAULT.timeZone().getId());
    ZoneId zone = SchoolCalendar.DEFAULT.timeZone();
    try {
      zone = ZoneId.of(zoneText.trim());
    } catch (DateTimeException e) {
      y.error(zoneNode, "time-zone", "unknown time zone '" + zoneText + "' (expected e.g. Europe/London)");
    }
    List<SchoolCalendar.Term> terms = new ArrayList<>();
    List<Node> items = y.sequence(termsNode, "term-dates");
    for (int i = 0; i < items.size(); i++) {
      String path = "term-dates[" + i + "]";
      Map<String, Node> m = y.mapping(items.get(i), path, TERM);
      LocalDate from = date(y, m.get("from"), path + ".from");
      LocalDate to = date(y, m.get("to"), path + ".to");
      if (from != null && to != null) {
        if (to.isBefore(from)) {
          y.error(m.get("to"), path + ".to", to + " is before from " + from);
        } else {
          terms.add(new SchoolCalendar.Term(from, to));
        }
      }
    }
    return new SchoolCalendar(zone, terms);
  }

  private static LocalDate date(YamlReader y, Node node, String path) {
    String s = y.string(node, path, null);
    if (s == null) {
      y.error(node, path, "missing (expected a date such as 2026-09-03)");
      return null;
    }
    try {
      return LocalDate.parse(s.trim());
    } catch (DateTimeParseException e) {
      y.error(node, path, "'" + s + "' (expected a date such as 2026-09-03)");
      return null;
    }
  }

  private static Map<String, RoleSettings> roles(
      YamlReader y, Node node, Set<String> known, Path base, boolean termDatesSet, RoleInheritance.Edits edits) {
    Map<String, Node> all = y.anyMapping(node, "roles");
    if (node == null || all.isEmpty()) {
      y.error(node, "roles", "at least one role must be defined");
    }
    RoleReader reader = new RoleReader(y, known, base, new AllowListFiles(y), termDatesSet);
    Map<String, RoleDeclaration> declared = new LinkedHashMap<>();
    all.forEach((name, roleNode) -> declared.put(name, reader.read(name, roleNode)));
    edits.validate(y, declared.keySet(), known);
    return new RoleInheritance(y, declared, edits).resolveAll();
  }

  /** SPEC §2: nothing overrides {@code illegal}, so an allow entry that touches it is refused. */
  private static void checkIllegalTier(YamlReader y, Map<String, RoleSettings> roles, ListSettings lists) {
    IllegalTier tier = IllegalTier.load(lists);
    for (RoleSettings r : roles.values()) {
      List<ListEntry> allow = new ArrayList<>(r.allow());
      allow.addAll(r.allowListEntries());
      r.timeRules().forEach(t -> allow.addAll(t.allow()));
      for (ListEntry e : allow) {
        String problem = tier.problem(e);
        if (problem != null) {
          y.errorAt(e.source(), e.key(), problem);
        }
      }
    }
  }

  private static IdentitySettings identity(YamlReader y, Node node, Set<String> roles, Path base) {
    Map<String, Node> m = y.mapping(node, "identity", IDENTITY);
    String dflt = y.string(m.get("default-role"), "identity.default-role", "pupil");
    if (!roles.isEmpty() && !roles.contains(dflt)) {
      y.error(m.get("default-role"), "identity.default-role", "unknown role '" + dflt + "'");
    }
    List<NetworkRole> networks = new ArrayList<>();
    List<Node> items = y.sequence(m.get("networks"), "identity.networks");
    for (int i = 0; i < items.size(); i++) {
      String path = "identity.networks[" + i + "]";
      Map<String, Node> n = y.mapping(items.get(i), path, NETWORK);
      String role = y.string(n.get("role"), path + ".role", null);
      String net = y.string(n.get("network"), path + ".network", null);
      if (role == null || net == null) {
        y.error(items.get(i), path, "needs both 'network' and 'role'");
        continue;
      }
      if (!roles.contains(role)) {
        y.error(n.get("role"), path + ".role", "unknown role '" + role + "'");
      }
      try {
        networks.add(new NetworkRole(Cidr.parse(net), role));
      } catch (IllegalArgumentException e) {
        y.error(n.get("network"), path + ".network", e.getMessage());
      }
    }
    List<Cidr> login = y.parsedList(m.get("login-required"), "identity.login-required", Cidr::parse);
    return new IdentitySettings(dflt, networks, login, LdapReader.read(y, m.get("ldap"), roles, base));
  }

  private static String localHostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "webfilter";
    }
  }
}
