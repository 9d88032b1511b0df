package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DomainMatcherTest {

  private static List<String> suffixesFound(DomainMatcher m, String host) {
    List<String> found = new ArrayList<>();
    m.match(host, false, (record, start) -> found.add(host.substring(start)));
    return found;
  }

  @Test
  void match_findsEveryListedParent_shortestFirst_andNothingElse() {
    Map<String, int[]> entries = new HashMap<>();
    entries.put("example.co.uk", new int[] {0, 1});
    entries.put("b.example.co.uk", new int[] {0, 2});
    entries.put("co.uk", new int[] {1, 3});
    DomainMatcher m = DomainMatcher.of(entries);
    assertEquals(List.of("co.uk", "example.co.uk", "b.example.co.uk"), suffixesFound(m, "a.b.example.co.uk"));
    assertEquals(List.of("co.uk"), suffixesFound(m, "xexample.co.uk"));
    assertEquals(List.of(), suffixesFound(m, "example.com"));
  }

  @Test
  void match_largeRandomSet_everyMemberFound_noFalsePositives() {
    Random r = new Random(3);
    Map<String, int[]> entries = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      String name = Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + ".example";
      if (entries.put(name, new int[] {i % 7, i + 1, (i + 1) % 7, 1_000_000 + i}) == null) {
        names.add(name);
      }
    }
    DomainMatcher m = DomainMatcher.of(entries);
    assertEquals(names.size(), m.size());
    for (String name : names) {
      List<int[]> refs = new ArrayList<>();
      int hits = m.match("www." + name, false, (record, start) -> m.forEachRef(record, (s, l) -> refs.add(new int[] {s, l})));
      assertEquals(1, hits, name);
      int[] expected = entries.get(name);
      assertEquals(2, refs.size());
      assertEquals(expected[1], refs.get(0)[1]);
      assertEquals(expected[3], refs.get(1)[1], "varint lines over 2^20 survive");
    }
    for (int i = 0; i < 200_000; i++) {
      String miss = Long.toString(r.nextLong() & Long.MAX_VALUE, 36) + ".example";
      if (!entries.containsKey(miss)) {
        assertEquals(0, m.match(miss, false, (record, start) -> {}), miss);
      }
    }
    double perEntry = m.footprintBytes() / (2.0 * names.size()); // two categories per name
    assertTrue(perEntry < 40, "bytes/entry " + perEntry);
  }

  @Test
  void match_exactOnly_triesTheWholeHostAlone() {
    Map<String, int[]> entries = new HashMap<>();
    entries.put("2.3", new int[] {0, 1});
    entries.put("1.2.3", new int[] {0, 2});
    DomainMatcher m = DomainMatcher.of(entries);
    List<String> found = new ArrayList<>();
    m.match("1.2.3", true, (record, start) -> found.add("1.2.3".substring(start)));
    assertEquals(List.of("1.2.3"), found);
  }

  @Test
  void categorise_evidence_mostSpecificFirst_eachCategoryOfAnEntry() {
    Categoriser.Builder b = Categoriser.builder();
    b.addDomain("games", "example.com", "g", 1);
    b.addDomain("adult", "x.example.com", "a", 5);
    b.addDomain("malware", "x.example.com", "m", 9);
    b.addDomain("adult", "x.example.com", "a", 6); // duplicate in a category: first line stays
    Categoriser c = b.build();
    assertEquals(3, c.domainCount());
    assertEquals(2, c.distinctDomainCount());
    List<String> got = c.categorise(new Target("www.x.example.com", 443, "")).evidence().stream()
        .map(e -> e.category() + " " + e.entry() + " " + e.source()).toList();
    assertEquals(List.of("adult x.example.com a:5", "malware x.example.com m:9", "games example.com g:1"), got);
    // twice, so the second answer comes from the evidence cache and must be the same
    assertEquals(c.categorise(new Target("www.x.example.com", 443, "")), c.categorise(new Target("x.example.com", 80, "")));
  }
}
