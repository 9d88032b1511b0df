package org.webfilter.categoriser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The host cache in front of the domain tables: same answers, counted, bounded, per instance. */
class HostCacheTest {

  private static Categoriser.Builder lists() {
    Categoriser.Builder b = Categoriser.builder();
    b.addDomain("gambling", "casino.test", "gambling/domains", 1);
    b.addDomain("adult", "casino.test", "adult/domains", 7);
    b.addDomain("games", "play.casino.test", "games/domains", 2);
    b.addUrl("games", "casino.test/poker", "games/urls", 3);
    b.addExpression("ads", "/banner/", "ads/expressions", 1);
    return b;
  }

  @Test
  void cachedAnswers_equalUncachedOnes_forHitsMissesUrlsAndExpressions() {
    Categoriser cached = lists().build();
    Categoriser uncached = lists().hostCacheSize(0).build();
    List<String> urls = List.of("http://www.play.casino.test/", "http://casino.test/poker/1", "https://casino.test/banner/x",
        "http://unlisted.test/", "http://unlisted.test/banner/", "casino.test:443", "play.casino.test:443");
    for (int round = 0; round < 3; round++) {
      for (String url : urls) {
        Target t = url.contains("://") ? Target.parse(url) : Target.ofConnect(url);
        assertEquals(uncached.categorise(t), cached.categorise(t), url + " round " + round);
      }
    }
    assertEquals(List.of("games", "gambling", "adult"),
        List.copyOf(cached.categorise(Target.parse("http://a.play.casino.test/")).categories()),
        "most specific domain first, as without the cache");
  }

  @Test
  void stats_countHitsAndMisses_andHitRate() {
    Categoriser c = lists().build();
    assertEquals(new HostCacheStats(0, 0, 0, 0, Categoriser.DEFAULT_HOST_CACHE_SIZE), c.hostCacheStats());
    c.categorise(Target.parse("http://casino.test/"));
    c.categorise(Target.parse("http://casino.test/other"));
    c.categorise(Target.parse("http://casino.test:8080/"));
    c.categorise(Target.parse("http://unlisted.test/"));
    HostCacheStats s = c.hostCacheStats();
    assertEquals(2, s.hits());
    assertEquals(2, s.misses(), "one per distinct host, listed or not");
    assertEquals(0.5, s.hitRate());
    assertEquals(2, s.size());
  }

  @Test
  void cache_isBounded_andEvicts() {
    Categoriser c = lists().hostCacheSize(10).build();
    for (int i = 0; i < 1_000; i++) {
      c.categorise(Target.parse("http://host" + i + ".test/"));
    }
    HostCacheStats s = c.hostCacheStats();
    assertTrue(s.size() <= 10, s.toString());
    assertTrue(s.evictions() >= 990, s.toString());
    assertEquals(10, s.capacity());
  }

  @Test
  void disabledCache_reportsZeros_andStillAnswers() {
    Categoriser c = lists().hostCacheSize(0).build();
    assertEquals(List.of("gambling", "adult"), List.copyOf(c.categorise(Target.parse("http://casino.test/")).categories()));
    assertEquals(new HostCacheStats(0, 0, 0, 0, 0), c.hostCacheStats());
  }

  /** A reload builds a new instance: the old cache, holding the old lists' answers, goes with the old one. */
  @Test
  void newInstance_afterListChange_doesNotAnswerFromTheOldCache() {
    Categoriser before = lists().build();
    Target t = Target.parse("http://newly-listed.test/");
    assertSame(Categorisation.NONE, before.categorise(t));
    Categoriser.Builder b = lists();
    b.addDomain("malware", "newly-listed.test", "malware/domains", 1);
    Categoriser after = b.build();
    assertEquals(List.of("malware"), List.copyOf(after.categorise(t).categories()));
    assertEquals(0, after.hostCacheStats().hits());
  }
}
