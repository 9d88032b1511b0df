package org.webfilter.categoriser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An immutable set of domain and URL-prefix lists, each entry tagged with a category. Thread-safe and
 * lock-free: a reload builds a new instance with {@link #builder()} and swaps the reference.
 *
 * <p>Domain entries cover the domain and every subdomain ({@code example.com} matches {@code
 * a.b.example.com}); IP-literal entries match only themselves. URL entries follow squidGuard: the host
 * without a leading {@code www.}, then a path prefix that matches the path and everything below it.
 */
public final class Categoriser {

  private final Map<String, int[]> domains; // domain -> pairs of (source index, line)
  private final Map<String, UrlEntry[]> urls; // host without www. -> prefixes
  private final Source[] sources;
  private final int domainEntries;
  private final int urlEntries;

  private Categoriser(Builder b) {
    this.domains = b.domains;
    this.urls = new HashMap<>(b.urls.size() * 2);
    b.urls.forEach((host, list) -> urls.put(host, list.toArray(UrlEntry[]::new)));
    this.sources = b.sources.toArray(Source[]::new);
    this.domainEntries = b.domainEntries;
    this.urlEntries = b.urlEntries;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every list entry that matches the target, domain matches from the most specific parent down. */
  public Categorisation categorise(Target target) {
    List<Evidence> found = null;
    String host = target.host();
    boolean ipLiteral = HostNames.isIpLiteral(host);
    for (String d = host; d != null; d = ipLiteral ? null : HostNames.parent(d)) {
      int[] hits = domains.get(d);
      if (hits != null) {
        found = found == null ? new ArrayList<>(2) : found;
        for (int i = 0; i < hits.length; i += 2) {
          Source s = sources[hits[i]];
          found.add(new Evidence(s.category, d, Evidence.Kind.DOMAIN, s.file + ":" + hits[i + 1]));
        }
      }
    }
    if (!target.path().isEmpty() && !urls.isEmpty()) {
      UrlEntry[] entries = urls.get(HostNames.stripWww(host));
      if (entries != null) {
        String path = target.path().toLowerCase(Locale.ROOT);
        for (UrlEntry e : entries) {
          if (e.matches(path)) {
            found = found == null ? new ArrayList<>(2) : found;
            Source s = sources[e.source];
            found.add(new Evidence(s.category, e.entry, Evidence.Kind.URL, s.file + ":" + e.line));
          }
        }
      }
    }
    return found == null ? Categorisation.NONE : new Categorisation(found);
  }

  public int domainCount() {
    return domainEntries;
  }

  public int urlCount() {
    return urlEntries;
  }

  private record Source(String category, String file) {}

  private record UrlEntry(String entry, String pathPrefix, int source, int line) {
    boolean matches(String path) {
      if (!path.startsWith(pathPrefix)) {
        return false;
      }
      if (path.length() == pathPrefix.length() || pathPrefix.endsWith("/")) {
        return true;
      }
      char next = path.charAt(pathPrefix.length());
      return next == '/' || next == '?' || next == '&' || next == '#';
    }
  }

  /** Collects entries; not thread-safe. Each {@code add} validates its entry and reports a bad one. */
  public static final class Builder {
    private final Map<String, int[]> domains = new HashMap<>();
    private final Map<String, List<UrlEntry>> urls = new HashMap<>();
    private final List<Source> sources = new ArrayList<>();
    private final Map<Source, Integer> sourceIndex = new HashMap<>();
    private int domainEntries;
    private int urlEntries;

    private Builder() {}

    /**
     * Adds a domain (or IP literal) entry.
     *
     * @return {@code null} when added, else what is wrong with the entry
     */
    public String addDomain(String category, String domain, String file, int line) {
      String d = HostNames.normaliseEntry(domain);
      String problem = HostNames.validate(d);
      if (problem != null) {
        return problem + ": '" + domain + "'";
      }
      int src = source(category, file);
      int[] existing = domains.get(d);
      if (existing == null) {
        domains.put(d, new int[] {src, line});
      } else {
        for (int i = 0; i < existing.length; i += 2) {
          if (sources.get(existing[i]).category.equals(category)) {
            return null; // duplicate within a category: first occurrence stays the evidence
          }
        }
        int[] grown = Arrays.copyOf(existing, existing.length + 2);
        grown[existing.length] = src;
        grown[existing.length + 1] = line;
        domains.put(d, grown);
      }
      domainEntries++;
      return null;
    }

    /**
     * Adds a URL-prefix entry such as {@code example.com/games} (scheme, port and a leading {@code www.}
     * are dropped, as squidGuard does).
     *
     * @return {@code null} when added, else what is wrong with the entry
     */
    public String addUrl(String category, String url, String file, int line) {
      String u = url.trim().toLowerCase(Locale.ROOT);
      int scheme = u.indexOf("://");
      if (scheme >= 0) {
        u = u.substring(scheme + 3);
      }
      int slash = u.indexOf('/');
      String host = slash < 0 ? u : u.substring(0, slash);
      String path = slash < 0 ? "/" : u.substring(slash);
      int colon = host.lastIndexOf(':');
      if (colon > 0 && host.indexOf(':') == colon) {
        host = host.substring(0, colon);
      }
      host = HostNames.stripWww(HostNames.normaliseEntry(host));
      String problem = HostNames.validate(host);
      if (problem != null) {
        return problem + ": '" + url + "'";
      }
      if (path.chars().anyMatch(Character::isWhitespace)) {
        return "URL contains white space: '" + url + "'";
      }
      urls.computeIfAbsent(host, h -> new ArrayList<>(1))
          .add(new UrlEntry(host + path, path, source(category, file), line));
      urlEntries++;
      return null;
    }

    private int source(String category, String file) {
      return sourceIndex.computeIfAbsent(
          new Source(category, file),
          s -> {
            sources.add(s);
            return sources.size() - 1;
          });
    }

    public Categoriser build() {
      return new Categoriser(this);
    }
  }
}
