package org.webfilter.categoriser;

import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * An immutable set of domain, URL-prefix and expression lists, each entry tagged with a category.
 * Thread-safe and lock-free: a reload builds a new instance with {@link #builder()} and swaps the
 * reference (copy-on-write); lookups only read final arrays.
 *
 * <p>Domain entries cover the domain and every subdomain ({@code example.com} matches {@code
 * a.b.example.com}); IP-literal entries match only themselves. URL entries follow squidGuard: the host
 * without a leading {@code www.}, then a path prefix that matches the path and everything below it.
 * Expression entries are regular expressions (RE2 syntax, linear-time, case-insensitive) tried against
 * {@code host/path?query}; a literal prefilter skips those that cannot match (see {@code
 * ExpressionMatcher}).
 *
 * <p>Domains are held compactly (one packed {@code byte[]} plus an {@code int} hash table; about 30
 * bytes per entry for the full UT1 lists, see docs/benchmarks.md), not as a map of strings. In front of
 * them sits a bounded host cache (Caffeine, W-TinyLFU) of the domain evidence per host, so the popular
 * head of the traffic never touches the tables; see {@link #hostCacheStats()}.
 */
public final class Categoriser {

  private final DomainMatcher domains;
  private final UrlMatcher urls;
  private final ExpressionMatcher expressions;
  private final Source[] sources;
  private final int domainEntries;
  private final int urlEntries;
  /**
   * Direct-mapped cache of the evidence built for recently matched domain records, so a popular listed
   * host does not rebuild its strings on every request. Bounded ({@value #EVIDENCE_CACHE_SLOTS} slots);
   * racy by design: a slot holds an immutable {@link CachedEvidence} published through final fields, so
   * a reader sees either a complete entry or another one, never a torn one.
   */
  private final CachedEvidence[] evidenceCache = new CachedEvidence[EVIDENCE_CACHE_SLOTS];

  private static final int EVIDENCE_CACHE_BITS = 13;
  private static final int EVIDENCE_CACHE_SLOTS = 1 << EVIDENCE_CACHE_BITS;

  private record CachedEvidence(int record, Evidence[] evidence) {}

  /** Hosts whose domain evidence is kept unless the builder says otherwise. */
  public static final int DEFAULT_HOST_CACHE_SIZE = 100_000;

  /**
   * Host → domain evidence (most specific first), including "no match", which is most of the traffic.
   * Belongs to this instance: a list reload builds a new {@code Categoriser} with an empty cache, so a
   * swapped list can never be answered from a stale entry, and nothing needs invalidating. {@code null}
   * when disabled.
   */
  private final HostCache hostCache;
  private final Function<String, Categorisation> matchDomains = this::matchDomains;

  private Categoriser(Builder b) {
    this.domains = DomainMatcher.of(b.domains);
    this.urls = new UrlMatcher(b.urls);
    this.expressions = new ExpressionMatcher(b.expressions);
    this.sources = b.sources.toArray(Source[]::new);
    this.domainEntries = b.domainEntries;
    this.urlEntries = b.urlEntries;
    this.hostCache = b.hostCacheSize == 0 ? null : new HostCache(b.hostCacheSize);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Every list entry that matches the target: domain matches from the most specific parent down, then
   * URL prefixes, then expressions.
   */
  public Categorisation categorise(Target target) {
    Categorisation byHost = byHost(target.host());
    if (urls.isEmpty() && expressions.size() == 0) {
      return byHost;
    }
    Collector c = new Collector(target.host());
    urls.match(target.host(), target.path(), c);
    expressions.match(target.host(), target.path(), c);
    if (c.found == null) {
      return byHost;
    }
    if (byHost.isEmpty()) {
      return new Categorisation(c.found);
    }
    List<Evidence> all = new ArrayList<>(byHost.evidence());
    all.addAll(c.found);
    return new Categorisation(all);
  }

  /** The domain evidence of a host, from the cache when it has it. */
  private Categorisation byHost(String host) {
    return hostCache == null ? matchDomains(host) : hostCache.get(host, matchDomains);
  }

  private Categorisation matchDomains(String host) {
    Collector c = new Collector(host);
    domains.match(host, HostNames.isIpLiteral(host), c);
    c.reverseDomainHits();
    return c.found == null ? Categorisation.NONE : new Categorisation(c.found);
  }

  /**
   * How the host cache has done since this instance was built (a reload starts from zero); all zero
   * when the cache is disabled. Cheap enough to call on every metrics scrape.
   */
  public HostCacheStats hostCacheStats() {
    return hostCache == null ? HostCacheStats.DISABLED : hostCache.stats();
  }

  /**
   * The union of the evidence for every target the request names: with a {@code Host} header that
   * disagrees with the absolute URI, both hosts are categorised, so the stricter outcome applies.
   */
  public Categorisation categorise(RequestTargets request) {
    Categorisation first = categorise(request.uri());
    if (!request.mismatch()) {
      return first;
    }
    List<Evidence> all = new ArrayList<>(first.evidence());
    all.addAll(categorise(request.hostHeader().orElseThrow()).evidence());
    return all.isEmpty() ? Categorisation.NONE : new Categorisation(all);
  }

  /** Domain entries added (a domain in two categories counts twice). */
  public int domainCount() {
    return domainEntries;
  }

  /** Distinct domain names held. */
  public int distinctDomainCount() {
    return domains.size();
  }

  public int urlCount() {
    return urlEntries;
  }

  public int expressionCount() {
    return expressions.size();
  }

  private record Source(String category, String file, String fileColon) {
    Source(String category, String file) {
      this(category, file, file + ":");
    }
  }

  /** Gathers evidence for one lookup; allocates nothing until something matches. */
  private final class Collector
      implements DomainMatcher.Hits, DomainMatcher.RefVisitor, UrlMatcher.Hits, ExpressionMatcher.Hits {
    private final String host;
    private String domainEntry;
    List<Evidence> found;

    Collector(String host) {
      this.host = host;
    }

    private List<Evidence> building;

    @Override
    public void hit(int record, int start) {
      int slot = (record * 0x9E3779B9) >>> (32 - EVIDENCE_CACHE_BITS);
      CachedEvidence cached = evidenceCache[slot];
      if (cached == null || cached.record() != record) {
        domainEntry = host.substring(start);
        building = new ArrayList<>(2);
        domains.forEachRef(record, this);
        cached = new CachedEvidence(record, building.toArray(Evidence[]::new));
        evidenceCache[slot] = cached;
      }
      if (found == null) {
        found = new ArrayList<>(cached.evidence().length + 1);
      }
      for (Evidence e : cached.evidence()) {
        found.add(e);
      }
    }

    @Override
    public void ref(int source, int line) {
      Source s = sources[source];
      building.add(new Evidence(s.category, domainEntry, Evidence.Kind.DOMAIN, s.fileColon + line));
    }

    @Override
    public void hit(UrlMatcher.Entry e) {
      add(e.source(), e.entry(), Evidence.Kind.URL, e.line());
    }

    @Override
    public void hit(ExpressionMatcher.Entry e) {
      add(e.source(), e.regex(), Evidence.Kind.REGEX, e.line());
    }

    private void add(int src, String entry, Evidence.Kind kind, int line) {
      if (found == null) {
        found = new ArrayList<>(2);
      }
      Source s = sources[src];
      found.add(new Evidence(s.category, entry, kind, s.fileColon + line));
    }

    /** Domain hits arrive shortest suffix first; callers expect the most specific first. */
    void reverseDomainHits() {
      if (found == null || found.size() < 2) {
        return;
      }
      List<Evidence> ordered = new ArrayList<>(found.size());
      int end = found.size();
      while (end > 0) {
        String entry = found.get(end - 1).entry();
        int start = end - 1;
        while (start > 0 && found.get(start - 1).entry().equals(entry)) {
          start--;
        }
        ordered.addAll(found.subList(start, end));
        end = start;
      }
      found = ordered;
    }
  }

  /** Collects entries; not thread-safe. Each {@code add} validates its entry and reports a bad one. */
  public static final class Builder {
    private final Map<String, int[]> domains = new HashMap<>();
    private final Map<String, List<UrlMatcher.Entry>> urls = new HashMap<>();
    private final List<ExpressionMatcher.Entry> expressions = new ArrayList<>();
    private final List<Source> sources = new ArrayList<>();
    private final Map<Source, Integer> sourceIndex = new HashMap<>();
    private int domainEntries;
    private int urlEntries;
    private int hostCacheSize = DEFAULT_HOST_CACHE_SIZE;

    private Builder() {}

    /**
     * How many hosts' domain evidence to keep in memory (default {@value Categoriser#DEFAULT_HOST_CACHE_SIZE},
     * roughly 15-25 MB when full; 0 turns the cache off).
     */
    public Builder hostCacheSize(int hosts) {
      if (hosts < 0) {
        throw new IllegalArgumentException("host cache size " + hosts + " (expected: 0 or more)");
      }
      this.hostCacheSize = hosts;
      return this;
    }

    /**
     * Adds a domain (or IP literal) entry. Unicode names are stored in their punycode form, so a list
     * written either way matches a host written either way.
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
          .add(new UrlMatcher.Entry(host + path, path, source(category, file), line));
      urlEntries++;
      return null;
    }

    /**
     * Adds a regular expression (RE2 syntax, a subset of POSIX ERE plus Perl classes; matched
     * case-insensitively anywhere in {@code host/path?query}).
     *
     * @return {@code null} when added, else why the expression does not compile
     */
    public String addExpression(String category, String regex, String file, int line) {
      String r = regex.strip();
      if (r.isEmpty()) {
        return "empty expression";
      }
      long size = ExpressionSize.estimate(r);
      if (size > ExpressionSize.MAX) {
        return "expression too large (about " + size + " instructions once repetitions are unrolled, at most "
            + ExpressionSize.MAX + "): '" + regex + "'";
      }
      try {
        expressions.add(
            new ExpressionMatcher.Entry(r, ExpressionMatcher.compile(r), source(category, file), line));
        return null;
      } catch (PatternSyntaxException e) {
        return "not a regular expression (" + e.getDescription() + "): '" + regex + "'";
      }
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
