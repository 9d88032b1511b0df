package org.webfilter.benchmarks;

import com.google.re2j.Pattern;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.webfilter.categoriser.Categorisation;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.categoriser.Target;

/**
 * UT1 {@code expressions} against real URLs, before and after the literal prefilter:
 *
 * <ul>
 *   <li>{@link #everyExpression}: what the categoriser did before, every RE2/J pattern tried on every
 *       {@code host/path?query} (the same patterns and flags);
 *   <li>{@link #prefiltered}: {@code Categoriser.categorise} with only the expressions loaded (host
 *       cache off), where one Aho–Corasick pass picks the candidate expressions.
 * </ul>
 *
 * <p>Expressions: every UT1 {@code <category>/expressions} (5 non-empty), and with {@code set=restrictive}
 * also UT1's optional {@code adult/very_restrictive_expression} (2 more, with many alternatives). URLs:
 * UT1 {@code urls} entries and UT1 domains with paths typical of school traffic, about 1 in 8 of them
 * built to match an expression (search-engine cache and image searches, ad banners).
 *
 * <pre>
 * mvn -q install -pl categoriser,benchmarks -DskipTests
 * java -jar benchmarks/target/benchmarks.jar ExpressionMatchBenchmark -f 1 -wi 3 -i 5 -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class ExpressionMatchBenchmark {
  private static final int COUNT = 1 << 14;

  @Param({"ut1", "restrictive"})
  public String set;

  Categoriser categoriser;
  Pattern[] patterns;
  Target[] targets;
  String[] subjects;
  int next;

  @Setup
  public void setUp() throws IOException {
    Path ut1 = BenchData.root().resolve("ut1");
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(ut1)) {
      s.sorted().map(d -> d.resolve("expressions")).filter(Files::isRegularFile).forEach(files::add);
    }
    if (set.equals("restrictive")) {
      files.add(ut1.resolve("adult/very_restrictive_expression"));
    }
    Categoriser.Builder b = Categoriser.builder().hostCacheSize(0);
    List<Pattern> compiled = new ArrayList<>();
    for (Path f : files) {
      ListLoader.loadExpressions(f, "x", b);
      for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
        if (!line.isBlank()) {
          compiled.add(Pattern.compile(line.strip(), Pattern.CASE_INSENSITIVE));
        }
      }
    }
    categoriser = b.build();
    patterns = compiled.toArray(Pattern[]::new);

    List<String> urls = lines(ut1.resolve("adult/urls"));
    List<String> hosts = new ArrayList<>();
    for (String folder : List.of("gambling", "games", "shopping", "press", "social_networks")) {
      hosts.addAll(lines(ut1.resolve(folder).resolve("domains")));
    }
    String[] paths = {"/", "/", "/index.html", "/news/2026/11/23/story-1234", "/search?q=volcano+homework",
        "/watch?v=dQw4w9WgXcQ", "/wiki/Photosynthesis", "/static/js/app.min.js", "/images/logo.png",
        "/search?q=cache:example.com", "/images?q=tbn:ANd9Gc", "/banner/468x60.gif", "/login?next=%2Fhome"};
    Random r = new Random(3);
    targets = new Target[COUNT];
    subjects = new String[COUNT];
    int matched = 0;
    for (int i = 0; i < COUNT; i++) {
      String url = r.nextInt(4) == 0
          ? urls.get(r.nextInt(urls.size()))
          : hosts.get(r.nextInt(hosts.size())) + paths[r.nextInt(paths.length)];
      targets[i] = Target.parse("http://" + url);
      subjects[i] = targets[i].host() + targets[i].path();
      matched += categoriser.categorise(targets[i]).isEmpty() ? 0 : 1;
    }
    System.out.printf("%n%d expressions, %d URLs, %.1f%% match one%n",
        patterns.length, COUNT, 100.0 * matched / COUNT);
  }

  private static List<String> lines(Path f) {
    try {
      return Files.readAllLines(f, StandardCharsets.ISO_8859_1).stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Benchmark
  public int everyExpression() {
    String subject = subjects[next++ & (COUNT - 1)];
    int hits = 0;
    for (Pattern p : patterns) {
      hits += p.matcher(subject).find() ? 1 : 0;
    }
    return hits;
  }

  @Benchmark
  public Categorisation prefiltered() {
    return categoriser.categorise(targets[next++ & (COUNT - 1)]);
  }
}
