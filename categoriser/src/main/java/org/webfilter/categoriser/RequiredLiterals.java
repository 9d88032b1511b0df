package org.webfilter.categoriser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The literal strings a regular expression cannot match without: a set such that every match, in a
 * case-insensitive search, contains at least one of them (lower-cased), as RE2's {@code FilteredRE2}
 * computes. {@link ExpressionMatcher} uses it to skip the expressions whose literals a URL lacks.
 *
 * <p>{@link #need} keeps more: every literal a match cannot do without, as a formula of "all of" and
 * "one of" ({@code alltheweb.com/search.*cat=img} needs {@code alltheweb} and {@code com/search} and
 * {@code cat=img}, not just the most selective of them), as RE2's {@code FilteredRE2} does with its
 * AND/OR tree of atoms.
 *
 * <p>Conservative by construction: a construct it does not fully understand either counts as "matches
 * anything" (a class, {@code .}, a repetition that may be empty) or, for rare syntax ({@code \Q..\E},
 * hex and octal escapes, unknown groups), gives up on the whole expression, which is then always run.
 * Only ASCII literals are used, so case folding is plain ASCII lower-casing; subjects that are not
 * ASCII bypass the filter (see {@link ExpressionMatcher}).
 */
final class RequiredLiterals {
  /** Largest set of exact strings a sub-expression is tracked as (beyond it, only "contains"). */
  private static final int MAX_EXACT = 16;
  /** A class of at most this many characters is tracked as that many one-character strings. */
  private static final int MAX_CLASS = 4;

  private RequiredLiterals() {}

  /**
   * The strings one of which every match contains, or {@code null} when no such set is known (the
   * expression must be tried on every subject).
   */
  static Set<String> of(String regex) {
    Info info = parse(regex);
    return info == null ? null : usable(info.required());
  }

  /**
   * What every match contains, as a formula over lower-case literals, or {@code null} when nothing is
   * known (the expression must be tried on every subject). Implied by, and at least as selective as,
   * {@link #of}.
   */
  static Need need(String regex) {
    Info info = parse(regex);
    return info == null ? null : info.need();
  }

  private static Info parse(String regex) {
    try {
      Parser p = new Parser(regex);
      Info info = p.alternation();
      if (p.pos != regex.length()) {
        return null; // a stray ')': RE2 would have refused it; be safe anyway
      }
      return info;
    } catch (Unsure e) {
      return null;
    }
  }

  /** A condition on which literals a subject contains that every match satisfies. */
  sealed interface Need {
    /** Every literal the formula names, each once. */
    default Set<String> literals() {
      Set<String> out = new LinkedHashSet<>();
      collect(out);
      return out;
    }

    void collect(Set<String> out);
  }

  /** At least one of the literals occurs. */
  record AnyOf(Set<String> literals) implements Need {
    @Override
    public void collect(Set<String> out) {
      out.addAll(literals);
    }
  }

  /** Every part holds. */
  record AllOf(List<Need> parts) implements Need {
    @Override
    public void collect(Set<String> out) {
      parts.forEach(p -> p.collect(out));
    }
  }

  /** At least one branch holds. */
  record OneOf(List<Need> branches) implements Need {
    @Override
    public void collect(Set<String> out) {
      branches.forEach(b -> b.collect(out));
    }
  }

  private static Need anyOf(Set<String> strings) {
    Set<String> u = usable(strings);
    return u == null ? null : new AnyOf(u);
  }

  /** All the known parts ({@code null} ones say nothing and are left out); {@code null} when none is known. */
  private static Need allOf(List<Need> parts) {
    List<Need> known = new ArrayList<>();
    for (Need p : parts) {
      if (p instanceof AllOf a) {
        known.addAll(a.parts());
      } else if (p != null && !known.contains(p)) {
        known.add(p);
      }
    }
    return known.isEmpty() ? null : known.size() == 1 ? known.get(0) : new AllOf(List.copyOf(known));
  }

  private static Set<String> usable(Set<String> required) {
    return required == null || required.isEmpty() || required.contains("") ? null : required;
  }

  /**
   * What is known of a sub-expression: the exact strings it matches (if few), else what it contains:
   * {@code contains}, the most selective single set of which one occurs, and {@code need}, everything
   * known as a formula.
   */
  private record Info(Set<String> exact, Set<String> contains, Need inexactNeed) {
    static final Info ANY = new Info(null, null, null);
    static final Info EMPTY = new Info(Set.of(""), null, null);

    Info(Set<String> exact, Set<String> contains) {
      this(exact, contains, null);
    }

    static Info exactly(Set<String> strings) {
      return new Info(strings, null);
    }

    /** One of the formulas every match satisfies ({@code null}: nothing known). */
    Need need() {
      return exact != null ? anyOf(exact) : inexactNeed;
    }

    /** One of these occurs in every match ({@code null}: nothing known). */
    Set<String> required() {
      return exact != null ? exact : contains;
    }
  }

  /** Syntax this class does not handle; the expression is then always run. */
  private static final class Unsure extends Exception {
    Unsure() {
      super(null, null, false, false);
    }
  }

  private static final class Parser {
    final String s;
    int pos;

    Parser(String s) {
      this.s = s;
    }

    Info alternation() throws Unsure {
      List<Info> branches = new ArrayList<>();
      branches.add(concatenation());
      while (pos < s.length() && s.charAt(pos) == '|') {
        pos++;
        branches.add(concatenation());
      }
      if (branches.size() == 1) {
        return branches.get(0);
      }
      Set<String> exact = new LinkedHashSet<>();
      Set<String> contains = new LinkedHashSet<>();
      List<Need> needs = new ArrayList<>();
      for (Info b : branches) {
        Need n = b.need();
        if (needs != null && n != null) {
          needs.add(n);
        } else {
          needs = null;
        }
        if (exact != null && b.exact() != null) {
          exact.addAll(b.exact());
        } else {
          exact = null;
        }
        Set<String> r = usable(b.required());
        if (contains != null && r != null) {
          contains.addAll(r);
        } else {
          contains = null;
        }
      }
      if (exact != null && exact.size() <= MAX_EXACT) {
        return Info.exactly(exact);
      }
      return new Info(null, contains, needs == null ? null : new OneOf(List.copyOf(needs)));
    }

    /**
     * A sequence: consecutive exact parts are multiplied out into one run of exact strings; the
     * requirement is the best of the runs and of the inexact parts' own requirements.
     */
    Info concatenation() throws Unsure {
      Set<String> run = Set.of("");
      boolean exact = true;
      List<Set<String>> candidates = new ArrayList<>();
      List<Need> needs = new ArrayList<>();
      while (pos < s.length() && s.charAt(pos) != '|' && s.charAt(pos) != ')') {
        Info item = repetition(atom());
        if (item.exact() != null) {
          Set<String> product = product(run, item.exact());
          if (product != null) {
            run = product;
            continue;
          }
          candidates.add(run);
          needs.add(anyOf(run));
          run = item.exact();
          exact = false;
        } else {
          candidates.add(run);
          needs.add(anyOf(run));
          candidates.add(item.contains());
          needs.add(item.need());
          run = Set.of("");
          exact = false;
        }
      }
      if (exact) {
        return Info.exactly(run);
      }
      candidates.add(run);
      needs.add(anyOf(run));
      return new Info(null, best(candidates), allOf(needs));
    }

    Info repetition(Info atom) throws Unsure {
      Info info = atom;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        int min;
        int max;
        if (c == '*' || c == '+' || c == '?') {
          pos++;
          min = c == '+' ? 1 : 0;
          max = c == '?' ? 1 : -1;
        } else if (c == '{' && repeatEnd() > 0) {
          int end = repeatEnd();
          String body = s.substring(pos + 1, end);
          int comma = body.indexOf(',');
          min = Integer.parseInt(comma < 0 ? body : body.substring(0, comma));
          max = comma < 0 ? min : comma == body.length() - 1 ? -1 : Integer.parseInt(body.substring(comma + 1));
          pos = end + 1;
        } else {
          return info;
        }
        if (pos < s.length() && s.charAt(pos) == '?') {
          pos++; // non-greedy: the same strings match
        }
        info = repeat(info, min, max);
      }
      return info;
    }

    private static Info repeat(Info atom, int min, int max) {
      if (min == 1 && max == 1) {
        return atom;
      }
      if (min == 0) {
        if (max == 1 && atom.exact() != null && atom.exact().size() < MAX_EXACT) {
          Set<String> optional = new LinkedHashSet<>(atom.exact());
          optional.add("");
          return Info.exactly(optional);
        }
        return Info.ANY;
      }
      // at least one copy of the atom is in the match
      return new Info(null, usable(atom.required()), atom.need());
    }

    /** The index of the {@code '}'} closing a well-formed {@code {n}, {n,}, {n,m}} at pos, else -1. */
    private int repeatEnd() {
      int i = pos + 1;
      int digits = 0;
      while (i < s.length() && isDigit(s.charAt(i))) {
        i++;
        digits++;
      }
      if (digits == 0 || digits > 4 || i >= s.length()) {
        return -1;
      }
      if (s.charAt(i) == ',') {
        i++;
        int more = 0;
        while (i < s.length() && isDigit(s.charAt(i))) {
          i++;
          more++;
        }
        if (more > 4) {
          return -1;
        }
      }
      return i < s.length() && s.charAt(i) == '}' ? i : -1;
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }

    Info atom() throws Unsure {
      char c = s.charAt(pos++);
      switch (c) {
        case '(':
          return group();
        case '[':
          return characterClass();
        case '.':
          return Info.ANY;
        case '^':
        case '$':
          return Info.EMPTY;
        case '\\':
          return escape();
        case '*':
        case '+':
        case '?':
          throw new Unsure(); // a repetition of nothing: RE2 refuses it
        default:
          return literal(c);
      }
    }

    private Info group() throws Unsure {
      if (pos < s.length() && s.charAt(pos) == '?') {
        pos++;
        if (s.startsWith("P<", pos) || s.startsWith("<", pos)) {
          int end = s.indexOf('>', pos);
          if (end < 0) {
            throw new Unsure();
          }
          pos = end + 1;
        } else {
          // (?flags) or (?flags:...): the flags change nothing here (all searches ignore case)
          while (pos < s.length() && "imsU-".indexOf(s.charAt(pos)) >= 0) {
            pos++;
          }
          if (pos >= s.length()) {
            throw new Unsure();
          }
          char after = s.charAt(pos++);
          if (after == ')') {
            if (pos < s.length() && "*+?{".indexOf(s.charAt(pos)) >= 0) {
              throw new Unsure(); // RE2 applies this repetition to the atom before the flags
            }
            return Info.EMPTY;
          }
          if (after != ':') {
            throw new Unsure();
          }
        }
      }
      Info inner = alternation();
      if (pos >= s.length() || s.charAt(pos) != ')') {
        throw new Unsure();
      }
      pos++;
      return inner;
    }

    private Info escape() throws Unsure {
      if (pos >= s.length()) {
        throw new Unsure();
      }
      char c = s.charAt(pos++);
      if ("dDsSwWC".indexOf(c) >= 0) {
        return Info.ANY;
      }
      if ("bBAz".indexOf(c) >= 0) {
        return Info.EMPTY;
      }
      if (c == 'p' || c == 'P') {
        skipUnicodeClassName();
        return Info.ANY;
      }
      if (Character.isLetterOrDigit(c) || c >= 0x80) {
        throw new Unsure(); // \Q, \x41, \0, \n, ...: rare in lists, not worth modelling
      }
      return literal(c);
    }

    private void skipUnicodeClassName() throws Unsure {
      if (pos < s.length() && s.charAt(pos) == '{') {
        int end = s.indexOf('}', pos);
        if (end < 0) {
          throw new Unsure();
        }
        pos = end + 1;
      } else if (pos < s.length()) {
        pos++;
      } else {
        throw new Unsure();
      }
    }

    private static Info literal(char c) {
      if (c >= 0x80) {
        return Info.ANY; // non-ASCII case folding is not plain lower-casing
      }
      return Info.exactly(Set.of(String.valueOf(Character.toLowerCase(c))));
    }

    /** {@code [...]}: a few characters become exact one-character strings, anything more matches anything. */
    private Info characterClass() throws Unsure {
      boolean any = false;
      if (pos < s.length() && s.charAt(pos) == '^') {
        pos++;
        any = true;
      }
      Set<String> chars = new LinkedHashSet<>();
      boolean first = true;
      while (true) {
        if (pos >= s.length()) {
          throw new Unsure();
        }
        char c = s.charAt(pos);
        if (c == ']' && !first) {
          pos++;
          break;
        }
        first = false;
        if (s.startsWith("[:", pos)) {
          int end = s.indexOf(":]", pos + 2);
          if (end < 0) {
            throw new Unsure();
          }
          pos = end + 2;
          any = true;
          continue;
        }
        int lo = classChar();
        if (lo < 0) {
          any = true;
          continue;
        }
        int hi = lo;
        if (pos + 1 < s.length() && s.charAt(pos) == '-' && s.charAt(pos + 1) != ']') {
          pos++;
          hi = classChar();
          if (hi < 0) {
            throw new Unsure();
          }
        }
        if (hi - lo >= MAX_CLASS || hi >= 0x80) {
          any = true;
          continue;
        }
        for (int ch = lo; ch <= hi; ch++) {
          chars.add(String.valueOf(Character.toLowerCase((char) ch)));
        }
      }
      return any || chars.size() > MAX_CLASS || chars.isEmpty() ? Info.ANY : Info.exactly(chars);
    }

    /** One character of a class, or -1 for a class escape such as {@code \d}. */
    private int classChar() throws Unsure {
      char c = s.charAt(pos++);
      if (c != '\\') {
        return c;
      }
      if (pos >= s.length()) {
        throw new Unsure();
      }
      char e = s.charAt(pos++);
      if ("dDsSwW".indexOf(e) >= 0) {
        return -1;
      }
      if (e == 'p' || e == 'P') {
        skipUnicodeClassName();
        return -1;
      }
      if (Character.isLetterOrDigit(e) || e >= 0x80) {
        throw new Unsure();
      }
      return e;
    }
  }

  /** Every string of {@code a} followed by every string of {@code b}, or null when that is too many. */
  private static Set<String> product(Set<String> a, Set<String> b) {
    if ((long) a.size() * b.size() > MAX_EXACT) {
      return null;
    }
    Set<String> out = new LinkedHashSet<>();
    for (String x : a) {
      for (String y : b) {
        out.add(x + y);
      }
    }
    return out;
  }

  /**
   * The most selective requirement: the one whose shortest string is longest (long literals are rare
   * in URLs), then the one with fewest strings.
   */
  private static Set<String> best(List<Set<String>> candidates) {
    Set<String> best = null;
    int bestMin = 0;
    for (Set<String> c : candidates) {
      if (usable(c) == null) {
        continue;
      }
      int min = c.stream().mapToInt(String::length).min().orElse(0);
      if (best == null || min > bestMin || (min == bestMin && c.size() < best.size())) {
        best = c;
        bestMin = min;
      }
    }
    return best;
  }
}
