package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.WebfilterConfig;

/** Time rules are read in the school's time zone at the instant the caller passes; nothing sleeps. */
class TimeRulesTest {
  @TempDir static Path dir;
  static Policy policy;

  @BeforeAll
  static void setUp() throws Exception {
    Files.createDirectories(dir.resolve("lists/games"));
    Files.createDirectories(dir.resolve("lists/streaming"));
    Files.write(dir.resolve("lists/games/domains"), List.of("games.test"));
    Files.write(dir.resolve("lists/streaming/domains"), List.of("video.test"));
    Files.write(dir.resolve("webfilter.yaml"), List.of(
        "lists: {roots: [lists]}",
        "time-zone: Europe/London",
        "term-dates:",
        "  - {from: 2026-01-05, to: 2026-03-31}",
        "  - {from: 2026-09-03, to: 2026-12-18}",
        "roles:",
        "  pupil:",
        "    block-categories: [games, streaming]",
        "    allow: [video.test/lessons]",
        "    time-rules:",
        "      - name: lunchtime",
        "        days: [weekdays]",
        "        from: \"12:00\"",
        "        to: \"13:00\"",
        "        in-term: true",
        "        allow-categories: [games]",
        "        log-categories: [games]",
        "      - name: evening",
        "        days: [mon, tue, wed, thu, fri]",
        "        from: 18:00",
        "        to: \"24:00\"",
        "        in-term: true",
        "        allow: [video.test]",
        "        block: [chat.test]",
        "      - name: holidays",
        "        in-term: false",
        "        from: \"00:00\"",
        "        to: \"24:00\"",
        "        allow-categories: [streaming]"));
    WebfilterConfig config = ConfigLoader.load(dir.resolve("webfilter.yaml"));
    policy = Policies.build(config, Policies.loadLists(config).categoriser(), UserStore.inMemory(List.of()));
  }

  @ParameterizedTest(name = "{0} {1} -> {2} by {3}")
  @CsvSource({
    // lunchtime on a term weekday (GMT in November: local = UTC); start inclusive, end exclusive
    "2026-11-23T11:59:59Z, games.test,         BLOCK, pupil.category.games",
    "2026-11-23T12:00:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
    "2026-11-23T12:59:59Z, games.test,         LOG,   pupil@lunchtime.log.games",
    "2026-11-23T13:00:00Z, games.test,         BLOCK, pupil.category.games",
    "2026-11-28T12:30:00Z, games.test,         BLOCK, pupil.category.games",
    // spring forward (Sunday 29 March 2026): 11:30Z is 11:30 GMT on Friday but 12:30 BST on Monday
    "2026-03-27T11:30:00Z, games.test,         BLOCK, pupil.category.games",
    "2026-03-27T12:30:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
    "2026-03-30T11:30:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
    "2026-03-30T12:30:00Z, games.test,         BLOCK, pupil.category.games",
    // fall back (Sunday 25 October 2026): Friday before is BST, Monday after is GMT
    "2026-10-23T11:30:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
    "2026-10-26T11:30:00Z, games.test,         BLOCK, pupil.category.games",
    "2026-10-26T12:30:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
    // evening: entries added by the time rule; a time-rule allow replaces nothing more specific
    "2026-11-23T17:59:00Z, chat.test,          ALLOW, default.allow",
    "2026-11-23T19:00:00Z, chat.test,          BLOCK, pupil@evening.block:chat.test",
    "2026-11-23T19:00:00Z, video.test/film,    ALLOW, pupil@evening.allow:video.test",
    "2026-11-23T10:00:00Z, video.test/film,    BLOCK, pupil.category.streaming",
    "2026-11-23T19:00:00Z, video.test/lessons, ALLOW, pupil.allow:video.test/lessons",
    "2026-11-23T23:59:00Z, chat.test,          BLOCK, pupil@evening.block:chat.test",
    "2026-11-24T00:00:00Z, chat.test,          ALLOW, default.allow",
    // outside term: the holiday rule applies all day, the term-only rules do not
    "2026-12-24T10:00:00Z, video.test/film,    ALLOW, default.allow",
    "2026-12-24T12:30:00Z, games.test,         BLOCK, pupil.category.games",
    "2026-12-18T12:30:00Z, games.test,         LOG,   pupil@lunchtime.log.games",
  })
  void decide_appliesTheTimeRuleInForce_inLocalTime(String at, String host, Verdict verdict, String rule) {
    Decision d = policy.decide("pupil", Target.parse("http://" + host), Instant.parse(at));
    assertEquals(verdict, d.verdict(), d.trace().toString());
    assertEquals(rule, d.rule(), d.trace().toString());
  }

  @Test
  void decide_lunchtimeAllowsGames_forPupilOnWeekdays_andTraceNamesTheRule() {
    Decision d = policy.decide("pupil", Target.parse("http://games.test/"), Instant.parse("2026-11-23T12:15:00Z"));
    assertEquals(
        "time: Mon 2026-11-23 12:15 Europe/London (term day): time rule 'lunchtime' of role pupil applies"
            + " (mon,tue,wed,thu,fri 12:00-13:00 (term days))",
        d.trace().get(2));
    assertEquals("5. allowed, and logged because category games is logged for role pupil by time rule 'lunchtime': decided",
        d.trace().get(d.trace().size() - 1));
  }

  @Test
  void decide_noTimeRuleApplies_traceSaysSo() {
    Decision d = policy.decide("pupil", Target.parse("http://games.test/"), Instant.parse("2026-03-30T09:00:00Z"));
    assertTrue(d.trace().contains("time: Mon 2026-03-30 10:00 Europe/London (term day): no time rule of role pupil applies"),
        d.trace().toString());
  }
}
