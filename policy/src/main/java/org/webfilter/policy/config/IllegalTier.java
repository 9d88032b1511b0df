package org.webfilter.policy.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.CategoryMap;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Categories;
import org.webfilter.policy.config.RoleSettings.ListEntry;

/**
 * The entries of every list folder mapped to {@code illegal}, read so that an allow entry touching the
 * illegal tier is refused when the configuration is loaded. An allow entry touches it when it is inside
 * an illegal entry ({@code a.bad.test} under {@code bad.test}), equal to one, or covers one ({@code
 * example.com} over {@code bad.example.com}; {@code host/path} over {@code host/path/x}). Unreadable files
 * are left to the list loader, which reports them.
 */
final class IllegalTier {
  private final Map<String, String> domains = new HashMap<>(); // domain -> file:line
  private final Map<String, String> coveredBy = new HashMap<>(); // ancestor -> "entry (file:line)"
  private final Map<String, List<String[]>> urls = new HashMap<>(); // host -> {path, entry, file:line}

  static IllegalTier load(ListSettings lists) {
    IllegalTier t = new IllegalTier();
    CategoryMap map = new CategoryMap(lists.categoryMap());
    for (Path root : lists.roots()) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> s = Files.list(root)) {
        for (Path folder : s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
          if (Categories.ILLEGAL.equals(map.categoryFor(folder.getFileName().toString()))) {
            t.read(folder.resolve("domains"), false);
            t.read(folder.resolve("urls"), true);
          }
        }
      } catch (IOException e) {
        // reported by the list loader
      }
    }
    for (ListSource src : lists.sources()) {
      if (!Categories.ILLEGAL.equals(src.category())) {
        continue;
      }
      switch (src.format()) {
        case UT1 -> {
          t.read(src.path().resolve("domains"), false);
          t.read(src.path().resolve("urls"), true);
        }
        case PLAIN -> t.read(src.path(), false);
        case HOSTS -> t.readHosts(src.path());
      }
    }
    return t;
  }

  /** A hosts file: the names after the address ({@code 0.0.0.0 a.test b.test}), or a lone name. */
  private void readHosts(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return; // reported by the list loader
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String[] fields = (hash >= 0 ? line.substring(0, hash) : line).strip().toLowerCase(Locale.ROOT).split("\\s+");
      for (int f = fields.length == 1 ? 0 : 1; f < fields.length; f++) {
        if (!fields[f].isEmpty() && !fields[f].equals("localhost")) {
          String d = host(fields[f]);
          domains.putIfAbsent(d, file + ":" + (i + 1));
          index(d, d + " (" + file + ":" + (i + 1) + ")");
        }
      }
    }
  }

  private void read(Path file, boolean isUrls) {
    if (!Files.isRegularFile(file)) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1); // host names are ASCII
    } catch (IOException e) {
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String v = (hash >= 0 ? line.substring(0, hash) : line).strip().toLowerCase(Locale.ROOT);
      if (v.isEmpty()) {
        continue;
      }
      String where = file + ":" + (i + 1);
      if (isUrls) {
        addUrl(v, where);
      } else {
        String d = host(v);
        domains.putIfAbsent(d, where);
        index(d, d + " (" + where + ")");
      }
    }
  }

  private void addUrl(String v, String where) {
    String u = v.contains("://") ? v.substring(v.indexOf("://") + 3) : v;
    int slash = u.indexOf('/');
    String host = stripWww(host(slash < 0 ? u : u.substring(0, slash)));
    String path = slash < 0 ? "/" : u.substring(slash);
    urls.computeIfAbsent(host, h -> new ArrayList<>()).add(new String[] {path, host + path, where});
    index(host, host + path + " (" + where + ")");
  }

  private void index(String host, String description) {
    for (String p = parent(host); p != null; p = parent(p)) {
      coveredBy.putIfAbsent(p, description);
    }
  }

  /** {@code null} when the allow entry is clear of the illegal tier, else why it is not. */
  String problem(ListEntry allow) {
    if (allow.isRegex()) {
      return expressionProblem(allow);
    }
    String host = host(allow.host());
    for (String d = host; d != null; d = parent(d)) {
      String src = domains.get(d);
      if (src != null) {
        return "'" + allow.value() + "' is in the illegal category (" + d + ", " + src
            + "); an allow entry must not touch the illegal tier";
      }
    }
    if (!allow.isUrl()) {
      String covered = coveredBy.get(host);
      if (covered == null) {
        List<String[]> same = urls.get(stripWww(host));
        covered = same == null ? null : same.get(0)[1] + " (" + same.get(0)[2] + ")";
      }
      return covered == null ? null
          : "'" + allow.value() + "' covers " + covered
              + ", which is in the illegal category; an allow entry must not touch the illegal tier";
    }
    String path = allow.value().substring(allow.value().indexOf('/'));
    for (String[] u : urls.getOrDefault(stripWww(host), List.of())) {
      if (u[0].startsWith(path) || path.startsWith(u[0])) {
        return "'" + allow.value() + "' overlaps " + u[1] + " (" + u[2]
            + "), which is in the illegal category; an allow entry must not touch the illegal tier";
      }
    }
    return null;
  }

  /**
   * An allow expression touches the tier when it matches an illegal entry itself, its {@code www.}
   * subdomain or (for a URL entry) its path: a cheap check, one match per illegal entry. It cannot prove
   * that an expression matches no illegal site at all; step 1 of the precedence (illegal first, for every
   * role) is what makes that safe.
   */
  private String expressionProblem(ListEntry allow) {
    Categoriser.Builder b = Categoriser.builder();
    if (b.addExpression(Categories.ILLEGAL, allow.expression(), "", 0) != null) {
      return null; // reported as not compiling
    }
    Categoriser one = b.build();
    for (Map.Entry<String, String> d : domains.entrySet()) {
      for (String host : new String[] {d.getKey(), "www." + d.getKey()}) {
        if (matches(one, host, "/")) {
          return "'" + allow.value() + "' matches " + host + ", which is in the illegal category (" + d.getKey()
              + ", " + d.getValue() + "); an allow entry must not touch the illegal tier";
        }
      }
    }
    for (Map.Entry<String, List<String[]>> u : urls.entrySet()) {
      for (String[] e : u.getValue()) {
        if (matches(one, u.getKey(), e[0])) {
          return "'" + allow.value() + "' matches " + e[1] + ", which is in the illegal category (" + e[2]
              + "); an allow entry must not touch the illegal tier";
        }
      }
    }
    return null;
  }

  private static boolean matches(Categoriser one, String host, String path) {
    try {
      return !one.categorise(new Target(host, 80, path)).evidence().isEmpty();
    } catch (IllegalArgumentException notAHost) {
      return false; // the list loader reports the line
    }
  }

  private static String host(String v) {
    String d = v.startsWith("*.") ? v.substring(2) : v.startsWith(".") ? v.substring(1) : v;
    int colon = d.lastIndexOf(':');
    if (colon > 0 && d.indexOf(':') == colon) {
      d = d.substring(0, colon);
    }
    while (d.endsWith(".")) {
      d = d.substring(0, d.length() - 1);
    }
    return d;
  }

  private static String parent(String d) {
    if (d.indexOf(':') >= 0) {
      return null; // IPv6 literal
    }
    int dot = d.indexOf('.');
    return dot < 0 || dot == d.length() - 1 ? null : d.substring(dot + 1);
  }

  private static String stripWww(String host) {
    int dot = host.indexOf('.');
    if (dot <= 0 || host.indexOf('.', dot + 1) < 0) {
      return host;
    }
    String stem = host.substring(0, dot).replaceAll("[0-9]+$", "");
    return stem.equals("www") || stem.equals("web") || stem.equals("ftp") ? host.substring(dot + 1) : host;
  }
}
