package org.webfilter.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.webfilter.categoriser.CategoryMap;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.policy.config.WebfilterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lists import}. */
@Command(name = "lists", mixinStandardHelpOptions = true, description = "Manage category lists.",
    subcommands = ListsCommand.Import.class)
final class ListsCommand implements Runnable {
  @Override
  public void run() {
    throw new Main.UsageError("lists: missing sub-command (try: lists import --from DIR)");
  }

  /**
   * Validates a UT1-format folder and copies it to {@code <data-dir>/lists/<name>}, which every start
   * loads after the configured roots. The copy is swapped in by rename, so a failed import leaves the
   * old lists in place.
   */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import or update UT1-format lists from a folder into <data-dir>/lists/<name>.%n"
          + "Validates first; on any error the old lists stay in force. A running product picks them up on restart.")
  static final class Import implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Option(names = "--from", required = true, paramLabel = "DIR", description = "UT1-format folder (<category>/domains, urls)")
    Path from;

    @Option(names = "--name", paramLabel = "NAME", description = "name of the imported set (default: ${DEFAULT-VALUE})")
    String name = "ut1";

    @Override
    public Integer call() throws IOException {
      WebfilterConfig config = options.load();
      if (!name.matches("[a-z0-9_-]{1,40}")) {
        throw new Main.UsageError("--name " + name + " (expected lower-case letters, digits, - and _)");
      }
      if (!Files.isDirectory(from)) {
        throw new Main.UsageError("--from " + from + ": not a directory (importing from a URL is not supported yet)");
      }
      long t0 = System.nanoTime();
      System.out.println("validating " + from + " ...");
      ListLoader.Report r = ListLoader.loadUt1Root(from, new CategoryMap(config.lists().categoryMap()), Categoriser.builder());
      if (!r.problems().isEmpty()) {
        StringBuilder sb = new StringBuilder(r.problems().size() + " unusable line(s); nothing imported, the old lists stay:");
        r.problems().stream().limit(200).forEach(p -> sb.append("\n  ").append(p));
        throw new Main.UsageError(sb.toString());
      }
      Path lists = config.dataDir().resolve("lists");
      Path next = lists.resolve("." + name + ".new");
      Path old = lists.resolve("." + name + ".old");
      Path target = lists.resolve(name);
      deleteTree(next);
      deleteTree(old);
      Files.createDirectories(next);
      int folders = copyLists(from, next);
      if (Files.exists(target)) {
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      Files.move(next, target, StandardCopyOption.ATOMIC_MOVE);
      deleteTree(old);
      System.out.printf("imported %,d domain and %,d URL entries in %d folders into %s (%.1f s)%n",
          r.domains(), r.urls(), folders, target, (System.nanoTime() - t0) / 1e9);
      System.out.println("restart webfilter to use them");
      return 0;
    }

    private static int copyLists(Path from, Path to) throws IOException {
      int folders = 0;
      List<Path> dirs;
      try (Stream<Path> s = Files.list(from)) {
        dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
      }
      for (Path dir : dirs) {
        boolean copied = false;
        for (String file : List.of("domains", "urls")) {
          Path src = dir.resolve(file);
          if (Files.isRegularFile(src)) {
            Path dst = to.resolve(dir.getFileName().toString()).resolve(file);
            Files.createDirectories(dst.getParent());
            Files.copy(src, dst);
            copied = true;
          }
        }
        if (copied) {
          System.out.println("  " + dir.getFileName());
          folders++;
        }
      }
      return folders;
    }

    private static void deleteTree(Path p) throws IOException {
      if (!Files.exists(p)) {
        return;
      }
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
  }
}
