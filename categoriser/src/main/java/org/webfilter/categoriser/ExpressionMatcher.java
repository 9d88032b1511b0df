package org.webfilter.categoriser;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * UT1/squidGuard {@code expressions}: regular expressions tried, case-insensitively, against {@code
 * host/path?query} (no scheme, no port; just the host for a tunnel). They are compiled with RE2/J, whose
 * matching time is linear in the input whatever the pattern, so no list can make matching hang.
 *
 * <p>Running every expression on every URL costs 1-10 µs each, so a prefilter picks the candidates
 * first: each expression's required literals ({@link RequiredLiterals}) go into one Aho–Corasick
 * automaton, one pass over the lower-cased subject finds which literals occur, and only the expressions
 * owning one of them (plus those with no usable literal, which always run) are tried. The result is the
 * same as trying them all, in the same order.
 */
final class ExpressionMatcher {

  record Entry(String regex, Pattern pattern, int source, int line) {}

  interface Hits {
    void hit(Entry entry);
  }

  private final Entry[] entries;
  /** Entries with no usable literal: tried on every subject. */
  private final boolean[] alwaysRun;
  /** Every distinct required literal; {@code null} when no entry has one. */
  private final AhoCorasick literals;
  /** For each literal of {@link #literals}, the entries that require it. */
  private final int[][] entriesOfLiteral;

  ExpressionMatcher(List<Entry> entries) {
    this.entries = entries.toArray(Entry[]::new);
    this.alwaysRun = new boolean[this.entries.length];
    Map<String, List<Integer>> owners = new HashMap<>();
    List<String> distinct = new ArrayList<>();
    for (int i = 0; i < this.entries.length; i++) {
      Set<String> required = RequiredLiterals.of(this.entries[i].regex());
      if (required == null) {
        alwaysRun[i] = true;
        continue;
      }
      for (String literal : required) {
        int entry = i;
        owners.computeIfAbsent(literal, l -> {
          distinct.add(l);
          return new ArrayList<>(1);
        }).add(entry);
      }
    }
    this.literals = distinct.isEmpty() ? null : new AhoCorasick(distinct);
    this.entriesOfLiteral = new int[distinct.size()][];
    for (int p = 0; p < distinct.size(); p++) {
      entriesOfLiteral[p] = owners.get(distinct.get(p)).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** Compiles one expression, or throws {@link com.google.re2j.PatternSyntaxException}. */
  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  void match(String host, String path, Hits hits) {
    if (entries.length == 0) {
      return;
    }
    String subject = host + path;
    boolean[] candidate = candidates(subject);
    for (int i = 0; i < entries.length; i++) {
      if ((candidate == null || candidate[i]) && entries[i].pattern.matcher(subject).find()) {
        hits.hit(entries[i]);
      }
    }
  }

  /** Tries every expression, without the prefilter: the reference {@link #match} must agree with. */
  void matchUnfiltered(String host, String path, Hits hits) {
    String subject = host + path;
    for (Entry e : entries) {
      if (e.pattern.matcher(subject).find()) {
        hits.hit(e);
      }
    }
  }

  /** Which entries may match, or {@code null} for all of them (no literals, or a non-ASCII subject). */
  private boolean[] candidates(String subject) {
    if (literals == null || !isAscii(subject)) {
      return null; // literals are compared after ASCII lower-casing, which is exact only for ASCII
    }
    boolean[] candidate = alwaysRun.clone();
    literals.search(subject.toLowerCase(Locale.ROOT), p -> {
      for (int e : entriesOfLiteral[p]) {
        candidate[e] = true;
      }
    });
    return candidate;
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  int size() {
    return entries.length;
  }
}
