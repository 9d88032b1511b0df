package org.webfilter.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.Target;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.ui.EventStoreBench;

/**
 * Search latency of the logs UI's event index at school scale. Builds an index of {@code N}
 * synthetic but realistic access events directly through the UI's {@code EventStore} (no Kafka):
 * 1,300 users (1,200 pupils, 100 staff; Zipf-distributed activity, 8 % of traffic from devices
 * without a user), a Zipf mix of 40,000 hosts drawn from the shared list data with their real
 * categories (UT1 names mapped to ours), decisions from a pupil-like policy, 4 % web searches with
 * real-looking search terms, spread over 60 school days (weekdays, 08:00-16:00 UTC) in arrival
 * order. Then times the searches a DSL makes, as {@code /api/events} parses them (limit 50, newest
 * first, decoding the page): by user, by user on one day, by site, by category + decision, free
 * text, a one-hour time range, and page 2 via the cursor. Prints p50 / p95 / p99 after a warm-up.
 *
 * <p>Run from the repository root (figures in docs/benchmarks.md); a second run with the same
 * directory reuses the index:
 *
 * <pre>
 * mvn -q install -pl events,categoriser,policy,logs-ui,benchmarks -DskipTests
 * java -Xmx3g -cp benchmarks/target/benchmarks.jar org.webfilter.benchmarks.EventSearchBenchmark 10000000 /tmp/wf-index-10m
 * </pre>
 */
public final class EventSearchBenchmark {
  private static final int USERS = 1_300;
  private static final int PUPILS = 1_200;
  private static final int HOSTS = 40_000;
  private static final int SCHOOL_DAYS = 60;
  private static final int DAY_SECONDS = 8 * 3600;
  private static final LocalDate LAST_DAY = LocalDate.of(2026, 11, 20);
  private static final int WARMUP = 200;
  private static final int MEASURED = 400;
  private static final int BATCH = 5_000;

  private static final Map<String, String> CATEGORY_MAP =
      Map.ofEntries(
          Map.entry("mixed_adult", "adult"),
          Map.entry("lingerie", "adult"),
          Map.entry("agressif", "hate"),
          Map.entry("drogue", "drugs"),
          Map.entry("social_networks", "social-networking"),
          Map.entry("warez", "piracy"),
          Map.entry("redirector", "proxy-avoidance"),
          Map.entry("strict_redirector", "proxy-avoidance"),
          Map.entry("strong_redirector", "proxy-avoidance"),
          Map.entry("vpn", "proxy-avoidance"),
          Map.entry("doh", "proxy-avoidance"),
          Map.entry("phishing", "malware"),
          Map.entry("cryptojacking", "malware"),
          Map.entry("arjel", "gambling"),
          Map.entry("audio-video", "streaming"),
          Map.entry("educational_games", "education"));
  private static final Set<String> PUPIL_BLOCKED =
      Set.of(
          "adult",
          "gambling",
          "dating",
          "drugs",
          "hate",
          "malware",
          "piracy",
          "proxy-avoidance",
          "games",
          "webmail",
          "social-networking",
          "violence",
          "illegal");
  private static final Set<String> STAFF_BLOCKED = Set.of("adult", "malware", "illegal");
  private static final Set<String> LOGGED =
      Set.of("chat", "forums", "streaming", "shopping", "celebrity");
  private static final String[] SEARCHES = {
    "photosynthesis diagram",
    "ww2 timeline for kids",
    "pythagoras theorem worksheet",
    "macbeth act 1 summary",
    "how to revise for gcse",
    "french verbs etre conjugation",
    "volcano types ks3",
    "fractions to decimals",
    "periodic table quiz",
    "minecraft unblocked",
    "free games no download",
    "how to get round school wifi",
    "vpn free",
    "roblox",
    "fortnite skins",
    "how to lose weight fast",
    "am i depressed quiz",
    "how to stop feeling sad",
    "self harm help",
    "childline number",
    "bbc bitesize chemistry",
    "rivers of the world",
    "romeo and juliet quotes",
    "climate change facts",
    "tudors family tree",
    "times tables game",
    "spanish numbers 1 to 100",
    "cell structure",
    "shakespeare insults",
    "pie chart maker",
    "how do vaccines work",
    "ancient egypt gods",
    "solar system planets",
    "poem about autumn",
    "an inspector calls themes",
    "brexit explained",
    "how to code in python",
    "scratch games",
    "tiktok",
    "youtube music",
    "instagram login",
    "snapchat web",
    "anime wallpapers",
    "football scores",
    "premier league table",
    "cheap trainers",
    "how to make slime",
    "knife crime statistics",
    "vape shop near me",
    "betting tips",
    "free robux",
    "what is gcse grade 4",
    "world cup 2026",
    "weather tomorrow",
    "netflix",
    "chatgpt homework help",
    "translate english to polish",
    "map of europe",
    "famous scientists",
    "human heart diagram"
  };
  private static final String[] PATH_WORDS = {
    "news", "article", "watch", "play", "video", "games", "login", "search", "help", "learn",
        "topic", "science",
    "maths", "english", "history", "quiz", "index", "home", "account", "images", "static", "assets",
        "api", "feed"
  };

  private EventSearchBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("wf-event-index");
    World w = World.create(BenchData.root());
    try (EventStoreBench store = EventStoreBench.open(dir)) {
      int have = store.count();
      if (have == n) {
        System.out.printf(Locale.ROOT, "reusing %s: %,d events%n", dir, have);
      } else if (have != 0) {
        throw new IllegalStateException(
            dir + " holds " + have + " events, not " + n + "; give another directory");
      } else {
        build(store, w, n);
      }
      System.out.printf(Locale.ROOT, "index on disk: %,.0f MiB%n", size(dir) / 1048576.0);
      measure(store, w);
    }
  }

  private static void build(EventStoreBench store, World w, int n) throws IOException {
    long t0 = System.nanoTime();
    Random r = new Random(1);
    List<AccessEvent> batch = new ArrayList<>(BATCH);
    for (int i = 0; i < n; i++) {
      batch.add(w.event(r, i, n));
      if (batch.size() == BATCH) {
        store.add(batch);
        batch.clear();
      }
      if ((i + 1) % 1_000_000 == 0) {
        store.commit();
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "  %,d events in %.0f s (%,.0f/s)%n", i + 1, s, (i + 1) / s);
      }
    }
    store.add(batch);
    store.commit();
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "built %,d events in %.0f s (%,.0f events/s, through EventStore.add + commit)%n",
        n,
        s,
        n / s);
  }

  private static void measure(EventStoreBench store, World w) throws IOException {
    Random r = new Random(7);
    Map<String, Supplier<Map<String, String>>> searches = new LinkedHashMap<>();
    searches.put("user", () -> Map.of("user", w.user(r)));
    searches.put(
        "user + one day",
        () -> {
          String[] day = w.day(r);
          return Map.of("user", w.user(r), "from", day[0], "to", day[1]);
        });
    searches.put("site (host + subdomains)", () -> Map.of("host", w.siteQuery(r)));
    searches.put(
        "category + decision", () -> Map.of("category", w.blockedCategory(r), "decision", "BLOCK"));
    searches.put("free text q", () -> Map.of("q", w.words(r)));
    searches.put("time range (1 h)", () -> w.hour(r));
    searches.put(
        "role + category, one day",
        () -> {
          String[] day = w.day(r);
          return Map.of(
              "role", "pupil", "category", w.blockedCategory(r), "from", day[0], "to", day[1]);
        });
    System.out.printf(
        Locale.ROOT,
        "%n%-28s %9s %9s %9s %9s %11s%n",
        "search (limit 50)",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "max ms",
        "mean rows");
    for (Map.Entry<String, Supplier<Map<String, String>>> s : searches.entrySet()) {
      report(s.getKey(), time(store, s.getValue(), false));
    }
    report("page 2 via cursor (cat+dec)", time(store, searches.get("category + decision"), true));
    report("page 2 via cursor (user)", time(store, searches.get("user"), true));

    // The case tools: a timeline around a moment the user was active, and a whole CSV export.
    Timings timeline =
        timeOp(
            WARMUP,
            MEASURED,
            () -> {
              String[] day = w.day(r);
              java.time.Instant at =
                  java.time.Instant.parse(day[0] + "T10:00:00Z").plusSeconds(r.nextInt(6 * 3600));
              return store.timeline(w.user(r), at, 30);
            });
    report("timeline, user +-30 min", timeline);
    report(
        "CSV export, cat+dec <=10k",
        timeOp(
            5,
            30,
            () ->
                store.exportCsv(
                    Map.of("category", w.blockedCategory(r), "decision", "BLOCK"), 10_000)));
  }

  private interface Op {
    int run() throws IOException;
  }

  /** Times {@code measured} runs of {@code op} after {@code warmup}; "hits" is what op returns. */
  private static Timings timeOp(int warmup, int measured, Op op) throws IOException {
    double[] ms = new double[measured];
    long hits = 0;
    for (int i = 0; i < warmup + measured; i++) {
      long t = System.nanoTime();
      int n = op.run();
      long took = System.nanoTime() - t;
      if (i >= warmup) {
        ms[i - warmup] = took / 1e6;
        hits += n;
      }
    }
    return new Timings(ms, hits / (double) measured);
  }

  private record Timings(double[] millis, double meanHits) {}

  private static Timings time(
      EventStoreBench store, Supplier<Map<String, String>> next, boolean secondPage)
      throws IOException {
    double[] ms = new double[MEASURED];
    long hits = 0;
    for (int i = 0; i < WARMUP + MEASURED; i++) {
      Map<String, String> q = new LinkedHashMap<>(next.get());
      if (secondPage) {
        EventStoreBench.Result first = store.search(q);
        if (first.nextCursor() == null) {
          i--;
          continue; // a query with one page has no page 2; draw another
        }
        q.put("cursor", first.nextCursor());
      }
      long t = System.nanoTime();
      EventStoreBench.Result res = store.search(q);
      long took = System.nanoTime() - t;
      if (i >= WARMUP) {
        ms[i - WARMUP] = took / 1e6;
        hits += res.events();
      }
    }
    return new Timings(ms, hits / (double) MEASURED);
  }

  private static void report(String name, Timings t) {
    double[] s = t.millis().clone();
    Arrays.sort(s);
    System.out.printf(
        Locale.ROOT,
        "%-28s %9.2f %9.2f %9.2f %9.2f %11.1f%n",
        name,
        pct(s, 50),
        pct(s, 95),
        pct(s, 99),
        s[s.length - 1],
        t.meanHits());
  }

  private static double pct(double[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100 * sorted.length) - 1)];
  }

  private static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.mapToLong(f -> f.toFile().length()).sum();
    }
  }

  /** The synthetic school: users, devices, hosts with categories, and the days it was open. */
  private static final class World {
    final String[] users = new String[USERS];
    final String[] hosts;
    final List<String>[] hostCategories;
    final int[] hostSequence;
    final int[] userSequence;
    final List<LocalDate> days = new ArrayList<>();
    final List<String> blockedSeen;
    int next;

    @SuppressWarnings("unchecked")
    private World(List<String> pool, Categoriser categoriser) {
      Random r = new Random(3);
      String[] first = {
        "a", "b", "c", "d", "e", "f", "g", "h", "j", "k", "l", "m", "n", "o", "p", "r", "s", "t",
        "w", "z"
      };
      String[] last = {
        "smith",
        "jones",
        "taylor",
        "brown",
        "williams",
        "wilson",
        "johnson",
        "davies",
        "patel",
        "wright",
        "khan",
        "walker",
        "white",
        "edwards",
        "hughes",
        "green",
        "hall",
        "lewis",
        "harris",
        "clarke",
        "ahmed",
        "kowalski",
        "okafor",
        "murphy",
        "nguyen",
        "evans",
        "thomas",
        "roberts",
        "wood",
        "thompson"
      };
      for (int i = 0; i < USERS; i++) {
        users[i] =
            first[r.nextInt(first.length)]
                + last[r.nextInt(last.length)]
                + (i < PUPILS ? (20 + i % 7) : "")
                + i;
      }
      hosts = pool.toArray(String[]::new);
      hostCategories = new List[hosts.length];
      Set<String> blocked = new TreeSet<>();
      for (int i = 0; i < hosts.length; i++) {
        List<String> cats = new ArrayList<>();
        for (String c :
            new TreeSet<>(
                categoriser.categorise(Target.ofConnect(hosts[i] + ":443")).categories())) {
          String ours = CATEGORY_MAP.getOrDefault(c, c);
          if (!cats.contains(ours)) {
            cats.add(ours);
          }
          if (PUPIL_BLOCKED.contains(ours)) {
            blocked.add(ours);
          }
        }
        hostCategories[i] = cats;
      }
      blockedSeen = new ArrayList<>(blocked);
      hostSequence = BenchData.zipfSequence(HOSTS, 1.0, 1 << 22, 11);
      userSequence = BenchData.zipfSequence(USERS, 0.6, 1 << 20, 13);
      for (LocalDate d = LAST_DAY; days.size() < SCHOOL_DAYS; d = d.minusDays(1)) {
        if (d.getDayOfWeek() != DayOfWeek.SATURDAY && d.getDayOfWeek() != DayOfWeek.SUNDAY) {
          days.add(0, d);
        }
      }
    }

    static World create(Path data) {
      long t0 = System.nanoTime();
      List<String> pool = BenchData.pool(BenchData.allEntries(data), HOSTS, 0.15, 42);
      World w = new World(pool, BenchData.loadAll(data));
      System.out.printf(
          Locale.ROOT,
          "world: %d users, %d hosts (%d with a category), %d school days; %.0f s%n",
          USERS,
          HOSTS,
          Arrays.stream(w.hostCategories).filter(c -> !c.isEmpty()).count(),
          SCHOOL_DAYS,
          (System.nanoTime() - t0) / 1e9);
      return w;
    }

    /** The {@code i}-th of {@code n} events, in time order over the school days. */
    AccessEvent event(Random r, int i, int n) {
      long schoolSecond = (long) ((double) i / n * SCHOOL_DAYS * DAY_SECONDS);
      LocalDate day = days.get((int) (schoolSecond / DAY_SECONDS));
      Instant time =
          day.atTime(8, 0)
              .toInstant(ZoneOffset.UTC)
              .plusMillis((schoolSecond % DAY_SECONDS) * 1000 + r.nextInt(1000));
      int u = userSequence[r.nextInt(userSequence.length)];
      boolean anonymous = r.nextInt(100) < 8;
      boolean pupil = u < PUPILS;
      String ip =
          anonymous
              ? "10.40." + r.nextInt(4) + "." + (1 + r.nextInt(250))
              : "10." + (20 + u / 250) + "." + (u % 250) + ".17";
      String host;
      String url;
      String search = null;
      List<String> cats;
      if (r.nextInt(100) < 4) {
        search = SEARCHES[r.nextInt(SEARCHES.length)];
        host = r.nextBoolean() ? "www.google.co.uk" : "www.bing.com";
        url = "https://" + host + "/search?q=" + search.replace(' ', '+');
        cats = List.of("search-engines");
      } else {
        int h = hostSequence[r.nextInt(hostSequence.length)];
        host = hosts[h];
        url =
            "https://"
                + host
                + "/"
                + PATH_WORDS[r.nextInt(PATH_WORDS.length)]
                + "/"
                + PATH_WORDS[r.nextInt(PATH_WORDS.length)]
                + (r.nextInt(3) == 0 ? "?id=" + r.nextInt(100_000) : "");
        cats = hostCategories[h];
      }
      Set<String> blockedFor = pupil || anonymous ? PUPIL_BLOCKED : STAFF_BLOCKED;
      String blockedBy = cats.stream().filter(blockedFor::contains).findFirst().orElse(null);
      Verdict v =
          blockedBy != null
              ? Verdict.BLOCK
              : cats.stream().anyMatch(LOGGED::contains) ? Verdict.LOG : Verdict.ALLOW;
      String role = pupil || anonymous ? "pupil" : "staff";
      return new AccessEvent(
          AccessEvent.SCHEMA_VERSION,
          new UUID(r.nextLong(), r.nextLong()),
          time,
          anonymous ? null : users[u],
          role,
          ip,
          anonymous ? null : "LAPTOP-" + Integer.toHexString(u * 7919).toUpperCase(Locale.ROOT),
          "GET",
          "https",
          host,
          443,
          url,
          search,
          cats,
          v,
          v == Verdict.BLOCK
              ? role + ".category." + blockedBy
              : v == Verdict.LOG ? role + ".log" : "default.allow",
          v == Verdict.BLOCK ? "category " + blockedBy + " is blocked for " + role : "allowed",
          v == Verdict.BLOCK ? 403 : 200,
          400 + r.nextInt(2000),
          v == Verdict.BLOCK ? 2500 : r.nextInt(400_000),
          r.nextInt(800),
          r.nextInt(10) < 7,
          "proxy-" + (1 + r.nextInt(2)));
    }

    String user(Random r) {
      return users[userSequence[r.nextInt(userSequence.length)]];
    }

    /** The registrable-looking part a DSL would type: the host without a leading www. */
    String siteQuery(Random r) {
      String h = hosts[hostSequence[r.nextInt(hostSequence.length)]];
      return h.startsWith("www.") ? h.substring(4) : h;
    }

    String blockedCategory(Random r) {
      return blockedSeen.get(r.nextInt(blockedSeen.size()));
    }

    /** One or two words from a search or a URL. */
    String words(Random r) {
      if (r.nextBoolean()) {
        String[] w = SEARCHES[r.nextInt(SEARCHES.length)].split(" ");
        int k = r.nextInt(w.length);
        return r.nextBoolean() || k + 1 >= w.length ? w[k] : w[k] + " " + w[k + 1];
      }
      String h = hosts[hostSequence[r.nextInt(hostSequence.length)]];
      String[] parts = h.split("\\.");
      return parts[parts.length > 2 && parts[0].equals("www") ? 1 : 0];
    }

    String[] day(Random r) {
      LocalDate d = days.get(r.nextInt(days.size()));
      return new String[] {d.toString(), d.plusDays(1).toString()};
    }

    Map<String, String> hour(Random r) {
      LocalDate d = days.get(r.nextInt(days.size()));
      Instant from = d.atTime(8 + r.nextInt(8), 0).toInstant(ZoneOffset.UTC);
      return Map.of("from", from.toString(), "to", from.plusSeconds(3600).toString());
    }
  }
}
