package org.webfilter.categoriser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Scores text (search terms, URL words; later page text) against weighted phrase lists, per category.
 * Immutable and thread-safe once built.
 *
 * <p>Lists use the E2Guardian weighted format, one entry a line: {@code <phrase><weight>}, or a
 * combination {@code <a>,<b>,<c><weight>} that scores only when every part is present; weights may be
 * negative; {@code #} starts a comment line. A phrase ending in {@code *} matches words that start with
 * it ({@code <masturbat*>}).
 *
 * <p>Unlike E2Guardian, every phrase matches whole words only, after the same normalisation of text and
 * phrase (case, diacritics, l33t characters, repeated letters, separated letters; see {@code
 * TextNormaliser}). So {@code sex} scores in "s.e.x" and "SEEEX" but not in "Sussex" or "sextant". All
 * phrases of all categories are found in one pass (Aho–Corasick); each phrase or combination counts
 * once per text.
 */
public final class PhraseScorer {

  private record Entry(String category, String phrase, int weight, String source, int[] parts) {}

  private final AhoCorasick automaton;
  private final List<String> patterns;
  private final int[][] entriesByPattern;
  private final Entry[] entries;

  private PhraseScorer(Builder b) {
    this.patterns = List.copyOf(b.patterns);
    this.automaton = new AhoCorasick(patterns);
    this.entries = b.entries.toArray(Entry[]::new);
    List<List<Integer>> byPattern = new ArrayList<>();
    for (int i = 0; i < patterns.size(); i++) {
      byPattern.add(new ArrayList<>(1));
    }
    for (int e = 0; e < entries.length; e++) {
      for (int p : entries[e].parts) {
        if (!byPattern.get(p).contains(e)) {
          byPattern.get(p).add(e);
        }
      }
    }
    entriesByPattern = byPattern.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The score per category of a text. */
  public PhraseScore score(String text) {
    String normalised = TextNormaliser.normalise(text);
    BitSet found = new BitSet(patterns.size());
    automaton.search(normalised, found::set);
    if (found.isEmpty()) {
      return PhraseScore.NONE;
    }
    BitSet candidates = new BitSet(entries.length);
    for (int p = found.nextSetBit(0); p >= 0; p = found.nextSetBit(p + 1)) {
      for (int e : entriesByPattern[p]) {
        candidates.set(e);
      }
    }
    Map<String, Integer> byCategory = new LinkedHashMap<>();
    List<PhraseMatch> matches = new ArrayList<>();
    for (int e = candidates.nextSetBit(0); e >= 0; e = candidates.nextSetBit(e + 1)) {
      Entry entry = entries[e];
      boolean all = true;
      for (int p : entry.parts) {
        all &= found.get(p);
      }
      if (all) {
        byCategory.merge(entry.category, entry.weight, Integer::sum);
        matches.add(new PhraseMatch(entry.category, entry.phrase, entry.weight, entry.source));
      }
    }
    return matches.isEmpty() ? PhraseScore.NONE : new PhraseScore(byCategory, matches);
  }

  /** Number of entries (phrases and combinations). */
  public int size() {
    return entries.length;
  }

  /** Collects weighted phrases; not thread-safe. */
  public static final class Builder {
    private final List<String> patterns = new ArrayList<>();
    private final Map<String, Integer> patternIndex = new HashMap<>();
    private final List<Entry> entries = new ArrayList<>();

    private Builder() {}

    /**
     * Adds one line of a weighted list. Blank and {@code #} lines are ignored.
     *
     * @return {@code null} when added or ignored, else what is wrong with the line
     */
    public String addLine(String category, String line, String file, int lineNo) {
      String s = line.strip();
      if (s.isEmpty() || s.startsWith("#")) {
        return null;
      }
      if (s.startsWith(".Include")) {
        return "'.Include' is not supported; load the included file itself";
      }
      List<String> groups = new ArrayList<>();
      int i = 0;
      while (i < s.length()) {
        if (s.charAt(i) == ',' || Character.isWhitespace(s.charAt(i))) {
          i++;
          continue;
        }
        if (s.charAt(i) != '<') {
          return "expected '<' at column " + (i + 1) + ": '" + line + "'";
        }
        int end = s.indexOf('>', i + 1);
        if (end < 0) {
          return "unclosed '<': '" + line + "'";
        }
        groups.add(s.substring(i + 1, end));
        i = end + 1;
      }
      if (groups.size() < 2) {
        return "expected <phrase><weight>: '" + line + "'";
      }
      int weight;
      try {
        weight = Integer.parseInt(groups.get(groups.size() - 1).strip());
      } catch (NumberFormatException e) {
        return "weight is not a whole number: '" + line + "'";
      }
      int[] parts = new int[groups.size() - 1];
      for (int g = 0; g < parts.length; g++) {
        String raw = groups.get(g).strip();
        boolean isPrefix = raw.endsWith("*");
        String pattern = TextNormaliser.normalise(isPrefix ? raw.substring(0, raw.length() - 1) : raw);
        if (pattern.isBlank()) {
          return "phrase has no letters or digits: '" + line + "'";
        }
        if (isPrefix) {
          pattern = pattern.substring(0, pattern.length() - 1); // no word end required
        }
        String key = pattern;
        parts[g] = patternIndex.computeIfAbsent(key, k -> {
          patterns.add(k);
          return patterns.size() - 1;
        });
      }
      String phrase = s.substring(0, s.lastIndexOf('<')).strip();
      entries.add(new Entry(category, phrase, weight, file + ":" + lineNo, parts));
      return null;
    }

    /** Adds every line of a weighted list file (UTF-8, undecodable bytes replaced). */
    public List<ListProblem> addFile(String category, Path file) {
      List<ListProblem> problems = new ArrayList<>();
      List<String> lines;
      try {
        lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
      } catch (IOException e) {
        return List.of(new ListProblem(file.toString(), 0, "cannot read: " + e.getMessage()));
      }
      for (int n = 0; n < lines.size(); n++) {
        String problem = addLine(category, lines.get(n), file.toString(), n + 1);
        if (problem != null) {
          problems.add(new ListProblem(file.toString(), n + 1, problem));
        }
      }
      return problems;
    }

    /**
     * Adds every {@code <category>.weighted} file of a language folder such as {@code
     * conf/phrases/english}, under the category its name gives.
     */
    public List<ListProblem> addLanguageFolder(Path folder) {
      List<ListProblem> problems = new ArrayList<>();
      try (Stream<Path> files = Files.list(folder)) {
        for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".weighted")).sorted().toList()) {
          String name = f.getFileName().toString();
          problems.addAll(addFile(name.substring(0, name.length() - ".weighted".length()), f));
        }
      } catch (IOException e) {
        problems.add(new ListProblem(folder.toString(), 0, "cannot list: " + e.getMessage()));
      }
      return problems;
    }

    public PhraseScorer build() {
      return new PhraseScorer(this);
    }
  }
}
