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
 */
final class AhoCorasick {

  interface Matches {
    void match(int pattern);
  }

  private final char[][] keys; // per node, sorted transition characters
  private final int[][] next; // per node, target nodes, parallel to keys
  private final int[] fail;
  private final int[][] outputs; // per node, the patterns ending here (including via fail links)

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
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int child : next[0]) {
      queue.add(child);
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
      }
    }
    outputs = new int[size][];
    for (int n = 0; n < size; n++) {
      outputs[n] = out.get(n).stream().mapToInt(Integer::intValue).toArray();
    }
  }

  private int step(int node, char c) {
    int i = Arrays.binarySearch(keys[node], c);
    return i < 0 ? -1 : next[node][i];
  }

  void search(String text, Matches matches) {
    int node = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int t;
      while ((t = step(node, c)) < 0 && node != 0) {
        node = fail[node];
      }
      node = t < 0 ? 0 : t;
      for (int p : outputs[node]) {
        matches.match(p);
      }
    }
  }
}
