package org.webfilter.categoriser;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * UT1/squidGuard {@code expressions}: regular expressions tried, case-insensitively, against {@code
 * host/path?query} (no scheme, no port; just the host for a tunnel). They are compiled with RE2/J, whose
 * matching time is linear in the input whatever the pattern, so no list can make matching hang.
 *
 * <p>Running every expression on every URL costs 1-10 µs each, so a prefilter picks the candidates
 * first: the literals each expression needs ({@link RequiredLiterals#need}: which must all occur, and
 * which one of several) go into one Aho–Corasick automaton, one pass over the lower-cased subject finds
 * which literals occur, and only the expressions whose need is met (plus those with no usable literal,
 * which always run) are tried. The result is the same as trying them all, in the same order.
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
  /** For each literal of {@link #literals}, the entries whose need names it. */
  private final int[][] entriesOfLiteral;
  /**
   * For each entry anchored at the start ({@code ^[0-9]+...}), the ASCII characters a subject it
   * matches can start with; {@code null} when not known. UT1's malware expression needs a literal every
   * search URL has ({@code /search?q=}) but only matches an IP address.
   */
  private final boolean[][] firstAscii;
  /** Each entry's need over literal numbers; {@code null} for the entries that always run. */
  private final Cond[] needs;

  /** A need over the numbers of the literals found in a subject. */
  private sealed interface Cond {
    boolean test(boolean[] found);
  }

  private record AnyOf(int[] literals) implements Cond {
    @Override
    public boolean test(boolean[] found) {
      for (int l : literals) {
        if (found[l]) {
          return true;
        }
      }
      return false;
    }
  }

  private record AllOf(Cond[] parts) implements Cond {
    @Override
    public boolean test(boolean[] found) {
      for (Cond c : parts) {
        if (!c.test(found)) {
          return false;
        }
      }
      return true;
    }
  }

  private record OneOf(Cond[] branches) implements Cond {
    @Override
    public boolean test(boolean[] found) {
      for (Cond c : branches) {
        if (c.test(found)) {
          return true;
        }
      }
      return false;
    }
  }

  ExpressionMatcher(List<Entry> entries) {
    this.entries = entries.toArray(Entry[]::new);
    this.alwaysRun = new boolean[this.entries.length];
    this.needs = new Cond[this.entries.length];
    this.firstAscii = new boolean[this.entries.length][];
    for (int i = 0; i < this.entries.length; i++) {
      firstAscii[i] = firstAscii(this.entries[i].regex());
    }
    Map<String, List<Integer>> owners = new HashMap<>();
    List<String> distinct = new ArrayList<>();
    RequiredLiterals.Need[] need = new RequiredLiterals.Need[this.entries.length];
    for (int i = 0; i < this.entries.length; i++) {
      need[i] = RequiredLiterals.need(this.entries[i].regex());
      if (need[i] == null) {
        alwaysRun[i] = true;
        continue;
      }
      for (String literal : need[i].literals()) {
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
    Map<String, Integer> number = new HashMap<>();
    for (int p = 0; p < distinct.size(); p++) {
      number.put(distinct.get(p), p);
    }
    for (int i = 0; i < this.entries.length; i++) {
      needs[i] = need[i] == null ? null : cond(need[i], number);
    }
  }

  private static Cond cond(RequiredLiterals.Need need, Map<String, Integer> number) {
    if (need instanceof RequiredLiterals.AnyOf a) {
      return new AnyOf(a.literals().stream().mapToInt(number::get).toArray());
    }
    if (need instanceof RequiredLiterals.AllOf a) {
      return new AllOf(a.parts().stream().map(n -> cond(n, number)).toArray(Cond[]::new));
    }
    return new OneOf(((RequiredLiterals.OneOf) need).branches().stream().map(n -> cond(n, number)).toArray(Cond[]::new));
  }

  /**
   * The ASCII characters a match of {@code regex} can start the subject with, both cases, when the
   * expression is {@code ^} then one character, {@code \d} or simple class that is not optional, and
   * has no {@code |} and no flags anywhere; else {@code null}. A subject starting with a non-ASCII
   * character must still be tried (case folding maps some to ASCII letters: the Kelvin sign to
   * {@code k}).
   */
  static boolean[] firstAscii(String regex) {
    if (regex.length() < 2 || regex.charAt(0) != '^' || regex.indexOf('|') >= 0 || regex.contains("(?")) {
      return null; // flags: RE2 applies a repetition after (?i) to the atom before it
    }
    boolean[] chars = new boolean[0x80];
    int pos = 1;
    char c = regex.charAt(pos);
    if (c == '[') {
      pos++;
      if (pos >= regex.length() || regex.charAt(pos) == '^' || regex.charAt(pos) == ']') {
        return null; // negated or starting with ']': not modelled
      }
      while (pos < regex.length() && regex.charAt(pos) != ']') {
        char lo = regex.charAt(pos);
        if (lo == '\\' && regex.startsWith("\\d", pos)) {
          for (char d = '0'; d <= '9'; d++) {
            chars[d] = true;
          }
          pos += 2;
          continue;
        }
        if (lo == '[' || lo == '\\' || lo >= 0x80) {
          return null; // [:class:], other escapes, non-ASCII: not modelled
        }
        char hi = lo;
        if (pos + 2 < regex.length() && regex.charAt(pos + 1) == '-' && regex.charAt(pos + 2) != ']') {
          hi = regex.charAt(pos + 2);
          if (hi == '[' || hi == '\\' || hi >= 0x80 || hi < lo) {
            return null;
          }
          pos += 2;
        }
        for (char x = lo; x <= hi; x++) {
          chars[x] = true;
        }
        pos++;
      }
      if (pos >= regex.length()) {
        return null;
      }
      pos++; // the ']'
    } else if (c == '\\' && regex.startsWith("\\d", pos)) {
      for (char d = '0'; d <= '9'; d++) {
        chars[d] = true;
      }
      pos += 2;
    } else if (Character.isLetterOrDigit(c) && c < 0x80) {
      chars[c] = true;
      pos++;
    } else {
      return null;
    }
    if (regex.startsWith("+", pos)) {
      pos += regex.startsWith("+?", pos) ? 2 : 1; // one or more, greedy or not
    }
    if (pos < regex.length() && "*?{+".indexOf(regex.charAt(pos)) >= 0) {
      return null; // the character may be absent
    }
    for (char x = 'a'; x <= 'z'; x++) {
      boolean either = chars[x] || chars[x - 'a' + 'A'];
      chars[x] = either;
      chars[x - 'a' + 'A'] = either;
    }
    return chars;
  }

  /** Compiles one expression, or throws {@link com.google.re2j.PatternSyntaxException}. */
  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
  }

  void match(String host, String path, Hits hits) {
    if (entries.length == 0) {
      return;
    }
    boolean[] candidate = candidates(host, path);
    String subject = null; // built only when an expression has to run
    char first = !host.isEmpty() ? host.charAt(0) : !path.isEmpty() ? path.charAt(0) : 0x80;
    for (int i = 0; i < entries.length; i++) {
      if ((candidate == null || candidate[i]) && (firstAscii[i] == null || first >= 0x80 || firstAscii[i][first])) {
        if (subject == null) {
          subject = host + path;
        }
        if (entries[i].pattern.matcher(subject).find()) {
          hits.hit(entries[i]);
        }
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
  boolean[] candidates(String subject) {
    return candidates(subject, "");
  }

  /** As {@link #candidates(String)} for the subject {@code host + path}, without building it. */
  private boolean[] candidates(String host, String path) {
    if (literals == null || !isAscii(host) || !isAscii(path)) {
      return null; // literals are compared after ASCII lower-casing, which is exact only for ASCII
    }
    boolean[] found = new boolean[entriesOfLiteral.length];
    literals.searchAsciiLowerCased(host, path, p -> found[p] = true);
    boolean[] candidate = alwaysRun.clone();
    boolean any = false;
    for (boolean f : found) {
      any |= f;
    }
    if (!any) {
      return candidate;
    }
    for (int p = 0; p < found.length; p++) {
      if (found[p]) {
        for (int e : entriesOfLiteral[p]) {
          candidate[e] = true;
        }
      }
    }
    for (int e = 0; e < candidate.length; e++) {
      if (candidate[e] && !alwaysRun[e]) {
        candidate[e] = needs[e].test(found);
      }
    }
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
