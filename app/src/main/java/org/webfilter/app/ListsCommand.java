package org.webfilter.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.webfilter.policy.Categories;
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
    throw new Main.UsageError("lists: missing sub-command (try: lists import --from DIR-or-URL)");
  }

  /**
   * Validates UT1-format lists (a folder, or a {@code .tar.gz} over HTTP(S) such as UT1's {@code
   * blacklists.tar.gz}) and swaps them in as {@code <data-dir>/lists/<name>}, which every start loads
   * after the configured roots and which a running webfilter watches and reloads (see ConfigWatcher).
   * A failed import leaves the old lists in place.
   */
  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Import or update UT1-format lists into <data-dir>/lists/<name>, from a folder or a .tar.gz URL%n"
          + "(e.g. UT1's blacklists.tar.gz). Validates every line first; on any error the old lists stay in force.%n"
          + "A running webfilter (run or proxy) notices the new lists and reloads them within seconds.")
  static final class Import implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Option(names = "--from", required = true, paramLabel = "DIR-or-URL",
        description = "UT1-format folder (<category>/domains, urls, expressions), or an http(s) URL of a .tar.gz of one")
    String from;

    @Option(names = "--name", paramLabel = "NAME", description = "name of the imported set (default: ${DEFAULT-VALUE})")
    String name = "ut1";

    @Override
    public Integer call() throws IOException {
      WebfilterConfig config = options.load();
      if (!name.matches("[a-z0-9_-]{1,40}")) {
        throw new Main.UsageError("--name " + name + " (expected lower-case letters, digits, - and _)");
      }
      if (!ListImport.isUrl(from) && !Files.isDirectory(Path.of(from))) {
        throw new Main.UsageError("--from " + from + ": not a directory, nor an http:// or https:// URL");
      }
      long t0 = System.nanoTime();
      ListImport.Outcome o;
      try {
        o = new ListImport(config.dataDir(), config.lists().categoryMap(), Categories.PRODUCT, System.out)
            .run(from, name);
      } catch (ListImport.InvalidLists e) {
        StringBuilder sb = new StringBuilder(e.getMessage() + "; nothing imported, the old lists stay:");
        e.problems.stream().limit(200).forEach(p -> sb.append("\n  ").append(p));
        throw new Main.UsageError(sb.toString());
      } catch (ImportFailure e) {
        System.err.println("webfilter: lists import: " + e.getMessage() + "; nothing imported, the old lists stay");
        return 1;
      }
      if (!o.unknownFolders().isEmpty()) {
        System.out.println("note: " + o.unknownFolders().size() + " folder(s) are neither in lists.category-map nor a"
            + " product category, and load under their own names: " + String.join(", ", o.unknownFolders()));
        System.out.println("      map them (or map them to 'ignore') in lists.category-map of " + options.config);
      }
      System.out.printf("imported %,d domain and %,d URL entries in %d folders into %s (%.1f s)%n",
          o.report().domains(), o.report().urls(), o.folders(), o.target(), (System.nanoTime() - t0) / 1e9);
      System.out.println("a running webfilter reloads them within a few seconds; the next start loads them too");
      return 0;
    }
  }
}
