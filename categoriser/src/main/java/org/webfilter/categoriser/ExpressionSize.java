package org.webfilter.categoriser;

import java.util.ArrayDeque;

/**
 * An upper estimate of the program a regular expression compiles to, counted in characters after
 * repetitions are unrolled. RE2/J matches in linear time but does not bound the program it compiles:
 * {@code ((a{100}){100}){100}} compiles to a million instructions (a second and tens of MB), and one
 * more level exhausts the heap. RE2 in C++ refuses such expressions; the list loader does the same
 * with this estimate.
 */
final class ExpressionSize {
  /** Well above every real list expression (UT1's largest is about 800), far below trouble. */
  static final long MAX = 20_000;

  private ExpressionSize() {}

  static long estimate(String regex) {
    ArrayDeque<long[]> groups = new ArrayDeque<>(); // per open group: {size so far, size of last item}
    long[] current = {0, 0};
    int i = 0;
    while (i < regex.length()) {
      char c = regex.charAt(i++);
      long item = 1;
      switch (c) {
        case '\\' -> i = skipEscape(regex, i);
        case '[' -> i = skipClass(regex, i);
        case '(' -> {
          groups.push(current);
          current = new long[] {0, 0};
          continue;
        }
        case ')' -> {
          if (groups.isEmpty()) {
            break; // unbalanced: the compiler reports it
          }
          item = current[0] + 1;
          current = groups.pop();
        }
        case '*', '+', '?' -> {
          current[0] += 1;
          continue;
        }
        case '{' -> {
          int close = regex.indexOf('}', i);
          long times = close < 0 ? -1 : repeatCount(regex.substring(i, close));
          if (times >= 0) {
            current[0] += current[1] * (times - 1) + 1;
            current[1] *= times;
            i = close + 1;
            if (current[0] > MAX * 100) {
              return current[0]; // stop before the arithmetic grows without bound
            }
            continue;
          }
        }
        default -> { }
      }
      current[0] += item;
      current[1] = item;
    }
    long total = current[0];
    while (!groups.isEmpty()) {
      total += groups.pop()[0];
    }
    return total;
  }

  /** The larger count of {@code n}, {@code n,} or {@code n,m}; -1 when it is not a repetition. */
  private static long repeatCount(String body) {
    if (!body.matches("[0-9]{1,7}(,[0-9]{0,7})?")) {
      return -1;
    }
    int comma = body.indexOf(',');
    long min = Long.parseLong(comma < 0 ? body : body.substring(0, comma));
    long max = comma < 0 || comma == body.length() - 1 ? min : Long.parseLong(body.substring(comma + 1));
    return Math.max(1, Math.max(min, max));
  }

  private static int skipEscape(String s, int i) {
    if (i >= s.length()) {
      return i;
    }
    char c = s.charAt(i++);
    if ((c == 'p' || c == 'P' || c == 'x') && i < s.length() && s.charAt(i) == '{') {
      int close = s.indexOf('}', i);
      return close < 0 ? s.length() : close + 1;
    }
    return i;
  }

  private static int skipClass(String s, int i) {
    if (i < s.length() && s.charAt(i) == '^') {
      i++;
    }
    if (i < s.length() && s.charAt(i) == ']') {
      i++;
    }
    while (i < s.length() && s.charAt(i) != ']') {
      i = s.charAt(i) == '\\' ? i + 2 : s.startsWith("[:", i) ? Math.max(i + 2, s.indexOf(":]", i) + 2) : i + 1;
    }
    return Math.min(i + 1, s.length());
  }
}
