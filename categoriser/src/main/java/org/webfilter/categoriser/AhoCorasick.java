package org.webfilter.categoriser;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Aho–Corasick automaton over {@code char}s: finds every occurrence of every pattern in one pass over
 * the text, in time linear in the text plus the matches. Immutable once built.
 *
 * <p>Transitions are sorted per node (binary search). For ASCII characters a dense table with the
 * failure links already followed answers each step with one array read: for every node when the
 * automaton is small (the expression literals, the shipped phrase lists: at most {@value
 * #DENSE_NODES} nodes, 512 KB per 1,000 nodes), else for the root only, where a search of ordinary
 * text spends most of its steps.
 */
final class AhoCorasick {

  interface Matches {
    void match(int pattern);
  }

  private final char[][] keys; // per node, sorted transition characters
  private final int[][] next; // per node, target nodes, parallel to keys
  private final int[] fail;
  private final int[][] outputs; // per node, the patterns ending here (including via fail links)
  /** {@code node * 128 + c}: the node after ASCII {@code c}, failure links followed; see {@link #denseNodes}. */
  private final int[] dense;
  /** Nodes below this number step through {@link #dense} on ASCII; the root always does. */
  private final int denseNodes;

  static final int DENSE_NODES = 8_192;
  private static final int ASCII = 128;

  AhoCorasick(List<String> patterns) {
    List<Map<Character, Integer>> gotos = new ArrayList<>();
    List<List<Integer>> out = new ArrayList<>();
    gotos.add(new HashMap<>());
    out.add(new ArrayList<>());
    for (int p = 0; p < patterns.size(); p++) {
      int node = 0;
      for (char c : patterns.get(p).toCharArray()) {
        Integer n = gotos.get(node).get(c);
        if (n == null) {
          n = gotos.size();
          gotos.get(node).put(c, n);
          gotos.add(new HashMap<>());
          out.add(new ArrayList<>());
        }
        node = n;
      }
      out.get(node).add(p);
    }
    int size = gotos.size();
    keys = new char[size][];
    next = new int[size][];
    for (int n = 0; n < size; n++) {
      Character[] cs = gotos.get(n).keySet().toArray(Character[]::new);
      Arrays.sort(cs);
      keys[n] = new char[cs.length];
      next[n] = new int[cs.length];
      for (int i = 0; i < cs.length; i++) {
        keys[n][i] = cs[i];
        next[n][i] = gotos.get(n).get(cs[i]);
      }
    }
    fail = new int[size];
    List<Integer> breadthFirst = new ArrayList<>(size);
    breadthFirst.add(0);
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int child : next[0]) {
      queue.add(child);
      breadthFirst.add(child);
    }
    while (!queue.isEmpty()) {
      int n = queue.poll();
      for (int i = 0; i < keys[n].length; i++) {
        int child = next[n][i];
        int f = fail[n];
        int t;
        while ((t = step(f, keys[n][i])) < 0 && f != 0) {
          f = fail[f];
        }
        fail[child] = t < 0 || t == child ? 0 : t;
        out.get(child).addAll(out.get(fail[child]));
        queue.add(child);
        breadthFirst.add(child);
      }
    }
    denseNodes = size <= DENSE_NODES ? size : 1;
    dense = new int[denseNodes * ASCII];
    int[] order = breadthFirst.stream().mapToInt(Integer::intValue).toArray();
    if (denseNodes == size) {
      for (int n : order) { // a node's failure target is shallower, so its row is already filled
        for (char c = 0; c < ASCII; c++) {
          int t = step(n, c);
          dense[n * ASCII + c] = t >= 0 ? t : n == 0 ? 0 : dense[fail[n] * ASCII + c];
        }
      }
    } else {
      for (char c = 0; c < ASCII; c++) {
        dense[c] = Math.max(0, step(0, c));
      }
    }
    outputs = new int[size][];
    for (int n = 0; n < size; n++) {
      outputs[n] = out.get(n).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** How many nodes step through the dense table (all, or just the root). */
  int denseNodes() {
    return denseNodes;
  }

  private int step(int node, char c) {
    int i = Arrays.binarySearch(keys[node], c);
    return i < 0 ? -1 : next[node][i];
  }

  void search(String text, Matches matches) {
    search(0, text, false, matches);
  }

  /**
   * As {@link #search} over {@code first + second} lower-cased, without building either string. Both
   * must be ASCII (for which lower-casing one character at a time is {@code toLowerCase}).
   */
  void searchAsciiLowerCased(String first, String second, Matches matches) {
    search(search(0, first, true, matches), second, true, matches);
  }

  /** Runs the text from {@code node}; returns the node it ends in. */
  private int search(int node, String text, boolean lowerAscii, Matches matches) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (lowerAscii && c >= 'A' && c <= 'Z') {
        c += 'a' - 'A';
      }
      if (c < ASCII && node < denseNodes) {
        node = dense[node * ASCII + c];
      } else {
        int t;
        while ((t = step(node, c)) < 0 && node != 0) {
          node = fail[node];
          if (c < ASCII && node < denseNodes) {
            break;
          }
        }
        if (t < 0 && c < ASCII && node < denseNodes) {
          node = dense[node * ASCII + c];
        } else {
          node = t < 0 ? 0 : t;
        }
      }
      for (int p : outputs[node]) {
        matches.match(p);
      }
    }
    return node;
  }
}
