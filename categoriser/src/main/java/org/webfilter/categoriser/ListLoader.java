package org.webfilter.categoriser;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads list files into a {@link Categoriser.Builder}: UT1 folders, plain one-domain-per-line files,
 * hosts files, URL-prefix files and expression files. Lines are plain text, one entry per line; blank
 * lines and {@code #} comments are skipped; a line that is not a valid entry is reported with its file
 * and line number and skipped, and loading goes on. Bad files cannot take the process down: overlong
 * lines and binary data are reported and skipped, and at most {@value #MAX_PROBLEMS_PER_FILE} problems
 * per file are listed (the rest are counted).
 */
public final class ListLoader {

  private ListLoader() {}

  /** What a load added, and the lines it could not use. */
  public record Report(int domains, int urls, int categories, List<ListProblem> problems) {
    Report plus(Report other) {
      List<ListProblem> all = new ArrayList<>(problems);
      all.addAll(other.problems);
      return new Report(domains + other.domains, urls + other.urls, categories + other.categories, all);
    }
  }

  /**
   * Loads a UT1-format root: every folder {@code <root>/<folder>/} with a {@code domains}, {@code urls}
   * and/or {@code expressions} file, under the category the map gives the folder. (UT1's optional
   * {@code adult/very_restrictive_expression} is not loaded: it blocks far more than adult content; load
   * it with {@link #loadExpressions} where that is wanted.) Symbolic-link folders (UT1's aliases such
   * as {@code porn -> adult}) are skipped so nothing is loaded twice.
   */
  public static Report loadUt1Root(Path root, CategoryMap map, Categoriser.Builder into) {
    return loadUt1Root(root, map, into, (folder, category, entries, rejected) -> {});
  }

  /** Told after each folder of a UT1 root is loaded, for progress output. */
  public interface Progress {
    /**
     * @param category the product category the folder loaded as, or {@code null} when the map ignores it
     * @param entries entries added (domains, URL prefixes and expressions)
     * @param rejected lines that could not be used
     */
    void folder(String folder, String category, int entries, int rejected);
  }

  /** As {@link #loadUt1Root(Path, CategoryMap, Categoriser.Builder)}, reporting each folder. */
  public static Report loadUt1Root(
      Path root, CategoryMap map, Categoriser.Builder into, Progress progress) {
    if (!Files.isDirectory(root)) {
      return new Report(0, 0, 0, List.of(new ListProblem(root.toString(), 0, "not a directory")));
    }
    List<Path> folders;
    try (Stream<Path> s = Files.list(root)) {
      folders =
          s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    } catch (IOException e) {
      return new Report(0, 0, 0, List.of(new ListProblem(root.toString(), 0, "cannot list: " + e)));
    }
    Report total = new Report(0, 0, 0, List.of());
    for (Path folder : folders) {
      String category = map.categoryFor(folder.getFileName().toString());
      if (category == null) {
        progress.folder(folder.getFileName().toString(), null, 0, 0);
        continue;
      }
      boolean any = false;
      int entries = 0;
      int rejected = 0;
      for (Kind kind : List.of(Kind.DOMAINS, Kind.URLS, Kind.EXPRESSIONS)) {
        Path file = folder.resolve(kind.fileName);
        if (Files.isRegularFile(file)) {
          FileResult r = load(file, kind, category, into);
          total = total.plus(r.report());
          entries += r.entries();
          rejected += r.rejected();
          any = true;
        }
      }
      if (any) {
        total = total.plus(new Report(0, 0, 1, List.of()));
        progress.folder(folder.getFileName().toString(), category, entries, rejected);
      }
    }
    return total;
  }

  /** Loads a file of domains, one per line, under one category. */
  public static Report loadDomains(Path file, String category, Categoriser.Builder into) {
    return load(file, Kind.DOMAINS, category, into).report();
  }

  /** Loads a file of URL prefixes ({@code host/path}), one per line, under one category. */
  public static Report loadUrls(Path file, String category, Categoriser.Builder into) {
    return load(file, Kind.URLS, category, into).report();
  }

  /**
   * Loads a hosts file ({@code 0.0.0.0 ads.example other.example}, {@code 127.0.0.1 x.example}, with
   * {@code #} comments) as domains under one category. The address is ignored; {@code localhost} and
   * the other loopback and multicast names such files carry are skipped; a line with a single name is
   * read as a plain domain, so mixed files load too.
   */
  public static Report loadHosts(Path file, String category, Categoriser.Builder into) {
    return load(file, Kind.HOSTS, category, into).report();
  }

  /**
   * Loads a UT1/squidGuard {@code expressions} file: one regular expression per line, matched
   * case-insensitively against {@code host/path?query} in linear time (RE2/J). An expression that does
   * not compile is reported with its file and line and skipped. Lines are not comment-stripped after
   * the first character, since {@code #} may be part of an expression.
   */
  public static Report loadExpressions(Path file, String category, Categoriser.Builder into) {
    return load(file, Kind.EXPRESSIONS, category, into).report();
  }

  /**
   * Larger files are reported and not read: UT1's biggest list (adult, 4.6 M domains) is about 130 MB;
   * a file many times that would exhaust the heap rather than filter anything.
   */
  static final long MAX_FILE_BYTES = 512L << 20;
  /** Longer lines are reported and skipped: no list entry is this long, so the file is not a list. */
  static final int MAX_LINE = 4096;
  /** Problems listed per file; beyond this they are counted in one final problem. */
  static final int MAX_PROBLEMS_PER_FILE = 100;

  private enum Kind {
    DOMAINS("domains"), URLS("urls"), HOSTS("hosts"), EXPRESSIONS("expressions");

    /** The file's name in a UT1 folder. */
    final String fileName;

    Kind(String fileName) {
      this.fileName = fileName;
    }
  }

  private static final Set<String> HOSTS_FILE_NAMES = Set.of(
      "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
      "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0");

  private static FileResult load(Path file, Kind kind, String category, Categoriser.Builder into) {
    String name = file.toString();
    List<ListProblem> problems = new ArrayList<>();
    int dropped = 0;
    int added = 0;
    int rejected = 0;
    // Third-party lists are not always UTF-8: replace undecodable bytes instead of failing the file.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try {
      long size = Files.size(file);
      if (size > MAX_FILE_BYTES) {
        return new FileResult(new Report(0, 0, 0, List.of(new ListProblem(name, 0,
            "file of " + size / (1 << 20) + " MB is too large (at most " + MAX_FILE_BYTES / (1 << 20)
                + " MB): not loaded"))), 0, 1);
      }
    } catch (IOException e) {
      problems.add(new ListProblem(name, 0, "cannot read: " + e.getMessage()));
      return new FileResult(new Report(0, 0, 0, problems), 0, 1);
    }
    try (Reader in = new InputStreamReader(Files.newInputStream(file), utf8)) {
      ListLines r = new ListLines(in, MAX_LINE);
      int lineNo = 0;
      for (String line; (line = r.next()) != null; ) {
        lineNo++;
        String problem;
        if (line == ListLines.OVERLONG) {
          problem = "line longer than " + MAX_LINE + " characters";
        } else if (line.indexOf('\0') >= 0) {
          problem = "binary data, not text";
        } else {
          String entry = kind == Kind.EXPRESSIONS ? stripExpressionComment(line) : stripComment(line);
          if (entry.isEmpty()) {
            continue;
          }
          int[] count = {0};
          problem = add(kind, entry, category, name, lineNo, into, count);
          added += count[0];
        }
        if (problem != null) {
          rejected++;
          if (problems.size() < MAX_PROBLEMS_PER_FILE) {
            problems.add(new ListProblem(name, lineNo, problem));
          } else {
            dropped++;
          }
        }
      }
    } catch (IOException | UncheckedIOException e) {
      problems.add(new ListProblem(name, 0, "cannot read: " + e.getMessage()));
      rejected++;
    }
    if (dropped > 0) {
      problems.add(new ListProblem(name, 0, dropped + " more unusable lines not listed"));
    }
    Report report = new Report(kind == Kind.URLS ? 0 : kind == Kind.EXPRESSIONS ? 0 : added,
        kind == Kind.URLS ? added : 0, 0, problems);
    return new FileResult(report, added, rejected);
  }

  /** One file's report, with the entries it added of any kind and every line it rejected. */
  private record FileResult(Report report, int entries, int rejected) {}

  /** Adds one line's entries, counting them; returns the (first) problem or null. */
  private static String add(
      Kind kind, String entry, String category, String file, int line, Categoriser.Builder into, int[] count) {
    switch (kind) {
      case URLS -> {
        return counted(into.addUrl(category, entry, file, line), count);
      }
      case EXPRESSIONS -> {
        return counted(into.addExpression(category, entry, file, line), count);
      }
      case HOSTS -> {
        String[] fields = entry.split("\\s+");
        if (fields.length == 1) {
          return counted(into.addDomain(category, fields[0], file, line), count);
        }
        String problem = null;
        for (int i = 1; i < fields.length; i++) {
          if (HOSTS_FILE_NAMES.contains(fields[i].toLowerCase(Locale.ROOT))) {
            continue;
          }
          String p = counted(into.addDomain(category, fields[i], file, line), count);
          problem = problem == null ? p : problem;
        }
        return problem;
      }
      default -> {
        return counted(into.addDomain(category, entry, file, line), count);
      }
    }
  }

  private static String counted(String problem, int[] count) {
    if (problem == null) {
      count[0]++;
    }
    return problem;
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return (hash >= 0 ? line.substring(0, hash) : line).strip();
  }

  private static String stripExpressionComment(String line) {
    String s = line.strip();
    return s.startsWith("#") ? "" : s;
  }
}
