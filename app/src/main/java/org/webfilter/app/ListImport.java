package org.webfilter.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.webfilter.categoriser.CategoryMap;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.categoriser.ListProblem;

/**
 * {@code lists import}: fetch (folder or {@code .tar.gz} URL), validate, copy, swap. All the work
 * happens in a scratch folder {@code <data-dir>/.import-*}, outside {@code <data-dir>/lists} (which a
 * running webfilter watches), and the result replaces {@code <data-dir>/lists/<name>} by two renames
 * on the same file system; on any error nothing under {@code lists} has changed.
 */
final class ListImport {
  static final Set<String> LIST_FILES = Set.of("domains", "urls", "expressions");

  private final Path dataDir;
  private final Map<String, String> categoryMap;
  private final Set<String> productCategories;
  private final PrintStream out;

  /** What was imported. */
  record Outcome(Path target, int folders, ListLoader.Report report, Set<String> unknownFolders) {}

  /** The lists had unusable lines: an operator's problem to fix (exit 2), each naming file:line. */
  static final class InvalidLists extends Exception {
    final List<String> problems;

    InvalidLists(List<String> problems) {
      super(problems.size() + " unusable line(s)");
      this.problems = problems;
    }
  }

  ListImport(Path dataDir, Map<String, String> categoryMap, Set<String> productCategories, PrintStream out) {
    this.dataDir = dataDir;
    this.categoryMap = categoryMap;
    this.productCategories = productCategories;
    this.out = out;
  }

  static boolean isUrl(String from) {
    String f = from.toLowerCase(java.util.Locale.ROOT);
    return f.startsWith("http://") || f.startsWith("https://");
  }

  Outcome run(String from, String name) throws ImportFailure, InvalidLists, IOException {
    Files.createDirectories(dataDir);
    Path work = Files.createTempDirectory(dataDir, ".import-");
    try {
      Path root;
      Path shownFrom; // problems name files relative to this, as they are in the archive
      if (isUrl(from)) {
        URI uri = URI.create(from);
        Path archive = work.resolve("download.tar.gz");
        ListDownload.fetch(uri, archive, out);
        Path unpacked = work.resolve("unpacked");
        out.println("unpacking ...");
        TarGzExtractor.Result r = TarGzExtractor.extract(archive, unpacked, TarGzExtractor.Limits.DEFAULT, out);
        out.printf("unpacked %d list files (%s MB); skipped %d links or special files and %d other files%n",
            r.files(), ListDownload.mb(r.bytes()), r.linksAndSpecials(), r.otherFiles());
        Files.delete(archive);
        root = findUt1Root(unpacked, from);
        shownFrom = unpacked;
      } else {
        root = Path.of(from);
        shownFrom = null;
      }
      out.println("validating " + (shownFrom == null ? root : shownFrom.relativize(root) + "/ from " + from) + " ...");
      Set<String> unknown = new TreeSet<>();
      ListLoader.Report report = ListLoader.loadUt1Root(root, new CategoryMap(categoryMap), Categoriser.builder(),
          (folder, category, entries, rejected) -> {
            if (category == null) {
              out.printf("  %-22s ignored (lists.category-map)%n", folder);
              return;
            }
            boolean known = categoryMap.containsKey(folder) || productCategories.contains(folder);
            if (!known) {
              unknown.add(folder);
            }
            out.printf("  %-22s -> %-18s %,10d entries%s%s%n", folder, category, entries,
                rejected == 0 ? "" : String.format(", %,d rejected", rejected), known ? "" : "  (unknown folder)");
          });
      if (!report.problems().isEmpty()) {
        List<String> problems = new ArrayList<>();
        for (ListProblem p : report.problems()) {
          problems.add(shownFrom == null ? p.toString() : relative(p, shownFrom).toString());
        }
        throw new InvalidLists(problems);
      }
      if (report.categories() == 0) {
        throw new ImportFailure(from + ": no UT1 list folders (<category>/domains, urls or expressions) found");
      }
      Path stage = work.resolve(name);
      int folders = copyLists(root, stage);
      Path target = swap(stage, work.resolve("previous"), name);
      return new Outcome(target, folders, report, unknown);
    } finally {
      deleteTree(work);
    }
  }

  /**
   * The UT1 root inside an unpacked archive: the shallowest folder with category folders holding list
   * files ({@code blacklists/} in UT1's {@code blacklists.tar.gz}).
   */
  static Path findUt1Root(Path unpacked, String from) throws ImportFailure, IOException {
    List<Path> level = List.of(unpacked);
    for (int depth = 0; depth < 4 && !level.isEmpty(); depth++) {
      Path best = null;
      int bestFolders = 0;
      List<Path> next = new ArrayList<>();
      for (Path dir : level) {
        int folders = 0;
        for (Path child : subfolders(dir)) {
          next.add(child);
          if (LIST_FILES.stream().anyMatch(f -> Files.isRegularFile(child.resolve(f), LinkOption.NOFOLLOW_LINKS))) {
            folders++;
          }
        }
        if (folders > bestFolders) {
          best = dir;
          bestFolders = folders;
        }
      }
      if (best != null) {
        return best;
      }
      level = next;
    }
    throw new ImportFailure(from + ": no UT1 lists in the archive (expected <top folder>/<category>/domains, urls or expressions)");
  }

  private static ListProblem relative(ListProblem p, Path base) {
    Path file = Path.of(p.file());
    return new ListProblem(file.startsWith(base) ? base.relativize(file).toString() : p.file(), p.line(), p.message());
  }

  private static List<Path> subfolders(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
    }
  }

  /** Copies each folder's list files (links skipped); returns the number of folders copied. */
  private static int copyLists(Path from, Path to) throws IOException {
    int folders = 0;
    Files.createDirectories(to);
    for (Path dir : subfolders(from)) {
      boolean copied = false;
      for (String file : LIST_FILES) {
        Path src = dir.resolve(file);
        if (Files.isRegularFile(src, LinkOption.NOFOLLOW_LINKS)) {
          Path dst = to.resolve(dir.getFileName().toString()).resolve(file);
          Files.createDirectories(dst.getParent());
          Files.copy(src, dst);
          copied = true;
        }
      }
      folders += copied ? 1 : 0;
    }
    return folders;
  }

  /**
   * Puts {@code stage} in place of {@code lists/<name>}: the old folder is renamed away, then the new
   * one renamed in (a directory cannot be atomically replaced by another on POSIX). A webfilter that
   * reloads in between, a window of microseconds, sees the set missing and reloads again a second later
   * when the new one appears. If the second rename fails, the old folder is put back.
   */
  private Path swap(Path stage, Path previous, String name) throws IOException, ImportFailure {
    Path lists = dataDir.resolve("lists");
    Files.createDirectories(lists);
    Path target = lists.resolve(name);
    boolean hadOld = Files.exists(target, LinkOption.NOFOLLOW_LINKS);
    try {
      if (hadOld) {
        Files.move(target, previous, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        if (hadOld) {
          Files.move(previous, target, StandardCopyOption.ATOMIC_MOVE);
        }
        throw e;
      }
    } catch (AtomicMoveNotSupportedException e) {
      throw new ImportFailure("cannot rename into " + lists + " (is the data directory on one file system?): " + e.getMessage(), e);
    }
    return target;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }
}
