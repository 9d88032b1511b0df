package org.webfilter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.webfilter.categoriser.PhraseScore;
import org.webfilter.categoriser.PhraseScorer;

/**
 * Phrase scoring of URL text (host, path and query, as the proxy scores it) with every E2Guardian UK
 * English weighted list loaded (about 6,000 phrases; GPL data read from {@code ../shared/data}, used here
 * only). Score is URLs/s.
 *
 * <pre>
 * mvn -q install -pl categoriser,benchmarks -DskipTests
 * java -jar benchmarks/target/benchmarks.jar PhraseScoreBenchmark -f 1 -wi 3 -i 5 -t 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Threads(1)
public class PhraseScoreBenchmark {

  private static final String[] URLS = {
    "www.google.co.uk/search?q=history+of+the+industrial+revolution+in+essex",
    "www.bbc.co.uk/news/uk-england-sussex-67301234",
    "en.wikipedia.org/wiki/Scunthorpe_United_F.C.",
    "www.youtube.com/results?search_query=minecraft+redstone+tutorial",
    "example.com/free-porn-videos/hardcore-xxx",
    "www.bing.com/search?q=how+to+get+around+the+school+proxy",
    "shop.example.com/products/cocktail-sticks-wooden-100-pack?ref=home",
    "www.nhs.uk/conditions/breast-cancer-screening/",
  };

  PhraseScorer scorer;
  int next;

  @Setup
  public void setUp() {
    Path lists = BenchData.root().resolve("e2guardian/lists/phraselists/ukenglish");
    PhraseScorer.Builder b = PhraseScorer.builder();
    try (Stream<Path> files = Files.walk(lists)) {
      List<Path> weighted = files.filter(p -> p.getFileName().toString().equals("weighted")).sorted().toList();
      for (Path f : weighted) {
        b.addFile(f.getParent().getFileName().toString(), f);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    scorer = b.build();
    System.out.printf("%n%d weighted entries loaded%n", scorer.size());
  }

  @Benchmark
  public PhraseScore scoreUrl() {
    String url = URLS[next];
    next = (next + 1) % URLS.length;
    return scorer.score(url);
  }
}
