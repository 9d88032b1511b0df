package org.webfilter.categoriser;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads list files into a {@link Categoriser.Builder}. Lines are plain text, one entry per line; blank
 * lines and {@code #} comments are skipped; a line that is not a valid entry is reported with its file
 * and line number and skipped, and loading goes on.
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
   * Loads a UT1-format root: every folder {@code <root>/<folder>/} with a {@code domains} and/or {@code
   * urls} file, under the category the map gives the folder. Symbolic-link folders (UT1's aliases such
   * as {@code porn -> adult}) are skipped so nothing is loaded twice.
   */
  public static Report loadUt1Root(Path root, CategoryMap map, Categoriser.Builder into) {
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
        continue;
      }
      Path domains = folder.resolve("domains");
      Path urls = folder.resolve("urls");
      boolean any = false;
      if (Files.isRegularFile(domains)) {
        total = total.plus(loadDomains(domains, category, into));
        any = true;
      }
      if (Files.isRegularFile(urls)) {
        total = total.plus(loadUrls(urls, category, into));
        any = true;
      }
      if (any) {
        total = total.plus(new Report(0, 0, 1, List.of()));
      }
    }
    return total;
  }

  /** Loads a file of domains, one per line, under one category. */
  public static Report loadDomains(Path file, String category, Categoriser.Builder into) {
    return load(file, false, category, into);
  }

  /** Loads a file of URL prefixes ({@code host/path}), one per line, under one category. */
  public static Report loadUrls(Path file, String category, Categoriser.Builder into) {
    return load(file, true, category, into);
  }

  private static Report load(Path file, boolean urls, String category, Categoriser.Builder into) {
    String name = file.toString();
    List<ListProblem> problems = new ArrayList<>();
    int added = 0;
    // Third-party lists are not always UTF-8: replace undecodable bytes instead of failing the file.
    CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(Files.newInputStream(file), utf8), 1 << 16)) {
      int lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        String entry = stripComment(line);
        if (entry.isEmpty()) {
          continue;
        }
        String problem =
            urls
                ? into.addUrl(category, entry, name, lineNo)
                : into.addDomain(category, entry, name, lineNo);
        if (problem == null) {
          added++;
        } else {
          problems.add(new ListProblem(name, lineNo, problem));
        }
      }
    } catch (IOException e) {
      problems.add(new ListProblem(name, 0, "cannot read: " + e.getMessage()));
    }
    return new Report(urls ? 0 : added, urls ? added : 0, 0, problems);
  }

  private static String stripComment(String line) {
    int hash = line.indexOf('#');
    return (hash >= 0 ? line.substring(0, hash) : line).strip();
  }
}
