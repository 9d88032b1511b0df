package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.policy.Verdict;
import org.webfilter.policy.config.ConfigOverrides;

/** The editor below HTTP: expiry of time-limited entries, history on restart, the category delta. */
class PolicyEditorTest {
  @TempDir java.nio.file.Path dir;
  PolicyFixture f;
  PolicyEditor editor;

  @BeforeEach
  void start() throws Exception {
    f = new PolicyFixture(dir);
    editor = new PolicyEditor(new PolicyAccess(f.holder, f.configFile, ConfigOverrides.NONE), f.dataDir, f.clock);
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void timeLimitedAllow_isRemovedAsAVersion_whenItExpires() {
    editor.addEntry("pupil", true, "games.test", "trip", f.clock.instant().plus(Duration.ofDays(1)), "ict", "policy.allow.add");
    assertEquals(Verdict.ALLOW, f.decide("pupil", "http://games.test/"));
    f.clock.advance(Duration.ofHours(23));
    assertNull(editor.expireDue(), "not yet due");
    f.clock.advance(Duration.ofHours(1));
    PolicyEditor.Version v = editor.expireDue();
    assertEquals("policy.expire", v.action());
    assertEquals("system", v.author());
    assertEquals(Verdict.BLOCK, f.decide("pupil", "http://games.test/"));
  }

  @Test
  void history_survivesARestart() {
    editor.addEntry("pupil", false, "news.test", "r", null, "ict", "policy.block.add");
    PolicyEditor again = new PolicyEditor(editor.access(), f.dataDir, f.clock);
    assertEquals(1, again.latestVersion());
    assertEquals("r", again.history().get(0).reason());
  }

  static Set<String> s(String csv) {
    return csv.isBlank() ? Set.of() : new TreeSet<>(Set.of(csv.split(" ")));
  }

  /** base is what the YAML gives; the edit (add, remove) must turn it into wanted. */
  @ParameterizedTest
  @CsvSource({
    "a b, '', '', a c",
    "a b, c, a, b",
    "a b, c, a, a b c",
    "a b, '', '', ''",
  })
  void delta_turnsTheEffectiveSetIntoTheWantedOne(String base, String add, String remove, String wanted) {
    Set<String> now = new TreeSet<>(s(base));
    now.removeAll(s(remove));
    now.addAll(s(add));
    Set<String>[] d = PolicyEditor.delta(now, s(wanted), s(add), s(remove));
    Set<String> result = new TreeSet<>(s(base));
    result.removeAll(d[1]);
    result.addAll(d[0]);
    assertEquals(s(wanted), result);
  }

  @Test
  void normalise_lowerCasesAddresses_butKeepsTheCaseOfRegularExpressions() {
    assertEquals("example.com/path", PolicyEditor.normalise("  HTTPS://Example.COM/Path "));
    assertEquals("example.com", PolicyEditor.normalise("example.com/"));
    assertEquals("re:cheats?\\S+", PolicyEditor.normalise(" RE:cheats?\\S+ "));
    assertThrows(HttpError.class, () -> PolicyEditor.normalise("re:"));
  }

  @Test
  void aRegularExpressionEntry_keepsItsCase_andTakesEffect() {
    editor.addEntry("pupil", false, "re:cheat\\S*\\.Test", "no cheating", null, "ict", "policy.block.add");
    assertTrue(f.holder.get().role("pupil").orElseThrow().block().stream()
        .anyMatch(e -> e.value().equals("re:cheat\\S*\\.Test")), "the expression is stored as written");
  }
}
