package org.webfilter.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.ListLoader;

/** Finds and loads the shared list data, and builds realistic query mixes. */
final class BenchData {

  private BenchData() {}

  /** {@code -Dwebfilter.data=DIR}, else {@code ../shared/data} (from the repository root) or {@code ../../shared/data}. */
  static Path root() {
    String configured = System.getProperty("webfilter.data");
    if (configured != null) {
      return Path.of(configured);
    }
    for (String candidate : List.of("../shared/data", "../../shared/data", "/work/shared/data")) {
      if (Files.isDirectory(Path.of(candidate, "ut1"))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalStateException("shared data not found; pass -Dwebfilter.data=DIR");
  }

  /**
   * Every domain and URL list: all of UT1 (domains and urls, not expressions, whose RE2/J cost of 1-10
   * microseconds per expression per URL would swamp the domain lookup being measured),
   * hosts/<source>/<category>/domains and blocklistproject/<list>.txt.
   */
  static Categoriser loadAll(Path data) {
    return loadAllInto(data, Categoriser.builder()).build();
  }

  /** As {@link #loadAll}, into a builder that can then build several variants. */
  static Categoriser.Builder loadAllInto(Path data, Categoriser.Builder b) {
    try (Stream<Path> folders = Files.list(data.resolve("ut1"))) {
      for (Path folder : folders.filter(Files::isDirectory).sorted().toList()) {
        String category = folder.getFileName().toString();
        if (Files.isRegularFile(folder.resolve("domains"))) {
          ListLoader.loadDomains(folder.resolve("domains"), category, b);
        }
        if (Files.isRegularFile(folder.resolve("urls"))) {
          ListLoader.loadUrls(folder.resolve("urls"), category, b);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path f : extraDomainFiles(data)) {
      ListLoader.loadDomains(f, categoryOf(f), b);
    }
    return b;
  }

  static List<Path> extraDomainFiles(Path data) {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> hosts = Files.walk(data.resolve("hosts"));
        Stream<Path> blp = Files.list(data.resolve("blocklistproject"))) {
      hosts.filter(p -> p.getFileName().toString().equals("domains")).sorted().forEach(files::add);
      blp.filter(p -> p.toString().endsWith(".txt")).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  static String categoryOf(Path file) {
    String name = file.getFileName().toString();
    return name.equals("domains") ? file.getParent().getFileName().toString() : name.replace(".txt", "");
  }

  /** Every domain entry of every list, as written (lower-cased), for drawing hits. */
  static List<String> allEntries(Path data) {
    List<Path> files = new ArrayList<>(extraDomainFiles(data));
    try (Stream<Path> ut1 = Files.list(data.resolve("ut1"))) {
      ut1.map(d -> d.resolve("domains")).filter(Files::isRegularFile).sorted().forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> entries = new ArrayList<>();
    for (Path f : files) {
      try (Stream<String> lines = Files.lines(f, StandardCharsets.ISO_8859_1)) {
        lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#") && !l.contains(" "))
            .map(String::toLowerCase).forEach(entries::add);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return entries;
  }

  private static final String[] SYLLABLES = {
    "al", "an", "ar", "be", "bo", "ca", "ci", "da", "de", "do", "el", "en", "fa", "fo", "ga", "go", "ha",
    "in", "ka", "la", "le", "li", "lo", "ma", "me", "mi", "mo", "na", "ne", "no", "or", "pa", "pe", "ra",
    "re", "ri", "ro", "sa", "se", "so", "ta", "te", "ti", "to", "un", "va", "ve", "wi", "ya", "zo"};
  private static final String[] TLDS = {
    "com", "com", "com", "co.uk", "co.uk", "org", "org.uk", "net", "ac.uk", "sch.uk", "gov.uk", "io", "de", "fr"};
  private static final String[] SUBS = {"", "", "www.", "www.", "cdn.", "static.", "api.", "img.", "m."};
  private static final String[] POPULAR = {
    "www.bbc.co.uk", "www.google.com", "www.google.co.uk", "en.wikipedia.org", "www.gov.uk", "classroom.google.com",
    "www.youtube.com", "login.microsoftonline.com", "www.office.com", "teams.microsoft.com", "fonts.gstatic.com",
    "www.bbc.com", "www.theguardian.com", "www.ox.ac.uk", "www.nationalarchives.gov.uk", "www.khanacademy.org",
    "www.duolingo.com", "scratch.mit.edu", "www.sciencemuseum.org.uk", "www.met.police.uk", "www.nhs.uk"};

  /** A plausible host that is not (usually) on any list. */
  static String plausibleMiss(Random r) {
    if (r.nextInt(10) == 0) {
      return POPULAR[r.nextInt(POPULAR.length)];
    }
    StringBuilder sb = new StringBuilder(SUBS[r.nextInt(SUBS.length)]);
    int n = 2 + r.nextInt(4);
    for (int i = 0; i < n; i++) {
      sb.append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    if (r.nextInt(4) == 0) {
      sb.append('-').append(SYLLABLES[r.nextInt(SYLLABLES.length)]).append(SYLLABLES[r.nextInt(SYLLABLES.length)]);
    }
    return sb.append('.').append(TLDS[r.nextInt(TLDS.length)]).toString();
  }

  /**
   * A pool of distinct hosts: {@code hitShare} of them list entries or subdomains of entries, the rest
   * plausible misses, shuffled so that Zipf ranks mix hits and misses.
   */
  static List<String> pool(List<String> entries, int size, double hitShare, long seed) {
    Random r = new Random(seed);
    List<String> pool = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      if (r.nextDouble() < hitShare) {
        String e = entries.get(r.nextInt(entries.size()));
        pool.add(e.matches("[0-9.:]+") ? e : switch (r.nextInt(3)) {
          case 0 -> e;
          case 1 -> "www." + e;
          default -> SYLLABLES[r.nextInt(SYLLABLES.length)] + r.nextInt(100) + "." + e;
        });
      } else {
        pool.add(plausibleMiss(r));
      }
    }
    java.util.Collections.shuffle(pool, r);
    return pool;
  }

  /** {@code length} indexes into a pool of {@code n}, Zipf-distributed (exponent {@code s}) over rank. */
  static int[] zipfSequence(int n, double s, int length, long seed) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, s);
      cdf[k] = sum;
    }
    Random r = new Random(seed);
    int[] seq = new int[length];
    for (int i = 0; i < length; i++) {
      double u = r.nextDouble() * sum;
      int idx = java.util.Arrays.binarySearch(cdf, u);
      seq[i] = idx >= 0 ? idx : Math.min(n - 1, -idx - 1);
    }
    return seq;
  }

  static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

}
