package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every problem in the configuration is reported at once, each with file, line and key. */
class ValidationTest {
  @TempDir Path dir;

  @BeforeEach
  void lists() throws IOException {
    Files.createDirectories(dir.resolve("lists/illegal"));
    Files.write(dir.resolve("lists/illegal/domains"), List.of("# IWF", "abuse.test", "bad.example.org"));
    Files.write(dir.resolve("lists/illegal/urls"), List.of("host.test/evil"));
    Files.createDirectories(dir.resolve("allow"));
    Files.write(dir.resolve("allow/edu.txt"), List.of("school.test", "www.abuse.test", "not a host"));
  }

  private List<String> errors(String... lines) throws IOException {
    Path f = dir.resolve("webfilter.yaml");
    Files.write(f, List.of(lines));
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    return e.errors().stream().map(ConfigError::toString).map(s -> s.replace(dir + "/", "")).toList();
  }

  @Test
  void load_reportsEveryError_withFileLineAndKey() throws IOException {
    List<String> errors = errors(
        /* 1 */ "lists: {roots: [lists]}",
        /* 2 */ "time-zone: Europe/Atlantis",
        /* 3 */ "roles:",
        /* 4 */ "  pupil:",
        /* 5 */ "    block-categories: [adult]",
        /* 6 */ "    allow: [abuse.test, sub.bad.example.org, example.org, host.test, ok.test]",
        /* 7 */ "    allow-categories: [illegal]",
        /* 8 */ "    allow-lists: [allow/edu.txt, allow/missing.txt]",
        /* 9 */ "    safe-search: maybe",
        /* 10 */ "    time-rules:",
        /* 11 */ "      - {name: lunch, days: [mon, tue], from: '12:00', to: '13:00', allow-categories: [nope]}",
        /* 12 */ "      - {name: late, days: [tue], from: '12:30', to: '14:00', allow: [x.test], block: [x.test]}",
        /* 13 */ "      - {name: odd, days: [funday], from: '25:00', to: '10:00', in-term: true}",
        /* 14 */ "  a:",
        /* 15 */ "    extends: b",
        /* 16 */ "  b:",
        /* 17 */ "    extends: a",
        /* 18 */ "  c:",
        /* 19 */ "    extends: ghost",
        /* 20 */ "    phrase-threshold: -1");
    List<String> expected = List.of(
        "webfilter.yaml:2: time-zone: unknown time zone 'Europe/Atlantis' (expected e.g. Europe/London)",
        "webfilter.yaml:7: roles.pupil.allow-categories[0]: 'illegal' is always blocked; no role or time rule can allow it",
        "allow/edu.txt:3: 'not a host' is not a domain or URL prefix (expected e.g. example.com or example.com/path)",
        "webfilter.yaml:8: roles.pupil.allow-lists[1]: allow/missing.txt: cannot read (NoSuchFileException)",
        "webfilter.yaml:11: roles.pupil.time-rules[0].allow-categories[0]: unknown category 'nope'",
        "webfilter.yaml:12: roles.pupil.time-rules[1].block[0]: 'x.test' is in both allow and block of time rule late",
        "webfilter.yaml:13: roles.pupil.time-rules[2].days[0]: 'funday' (expected: mon, tue, wed, thu, fri, sat, sun, weekdays or weekend)",
        "webfilter.yaml:13: roles.pupil.time-rules[2].from: '25:00' (expected a local time 00:00-23:59)",
        "webfilter.yaml:13: roles.pupil.time-rules[2].in-term: needs the top-level term-dates",
        "webfilter.yaml:9: roles.pupil.safe-search: 'maybe' (expected: true or false)",
        "webfilter.yaml:20: roles.c.phrase-threshold: -1 (expected: 0-1000000)",
        "webfilter.yaml:15: roles.a.extends: roles extend each other in a cycle: a -> b -> a",
        "webfilter.yaml:17: roles.b.extends: roles extend each other in a cycle: a -> b -> a",
        "webfilter.yaml:19: roles.c.extends: unknown role 'ghost'",
        "webfilter.yaml:12: roles.pupil.time-rules[1]: time rule 'late' (tue 12:30-14:00) overlaps time rule 'lunch'"
            + " (mon,tue 12:00-13:00); at most one time rule of a role may apply at a time",
        "webfilter.yaml:6: roles.pupil.allow[0]: 'abuse.test' is in the illegal category (abuse.test, lists/illegal/domains:2); an allow entry must not touch the illegal tier",
        "webfilter.yaml:6: roles.pupil.allow[1]: 'sub.bad.example.org' is in the illegal category (bad.example.org, lists/illegal/domains:3); an allow entry must not touch the illegal tier",
        "webfilter.yaml:6: roles.pupil.allow[2]: 'example.org' covers bad.example.org (lists/illegal/domains:3), which is in the illegal category; an allow entry must not touch the illegal tier",
        "webfilter.yaml:6: roles.pupil.allow[3]: 'host.test' covers host.test/evil (lists/illegal/urls:1), which is in the illegal category; an allow entry must not touch the illegal tier",
        "allow/edu.txt:2: roles.pupil.allow-lists[0]: 'www.abuse.test' is in the illegal category (abuse.test, lists/illegal/domains:2); an allow entry must not touch the illegal tier");
    for (String e : expected) {
      assertTrue(errors.contains(e), "missing: " + e + "\nin:\n" + String.join("\n", errors));
    }
    assertEquals(expected.size(), errors.size(), String.join("\n", errors));
  }

  @Test
  void load_refusesTimeRuleAllowEntry_inTheIllegalTier() throws IOException {
    List<String> errors = errors(
        "lists: {roots: [lists]}",
        "roles:",
        "  pupil:",
        "    time-rules:",
        "      - {name: lunch, from: '12:00', to: '13:00', allow: [host.test/evil/page]}");
    assertEquals(List.of("webfilter.yaml:5: roles.pupil.time-rules[0].allow[0]: 'host.test/evil/page' overlaps host.test/evil (lists/illegal/urls:1), which is in the illegal category; an allow entry must not touch the illegal tier"),
        errors);
  }

  @Test
  void load_reportsOverlapWithInheritedRule_atTheChildsRule() throws IOException {
    List<String> errors = errors(
        "identity: {default-role: child}",
        "roles:",
        "  parent:",
        "    time-rules: [{name: lunch, days: [weekdays], from: '12:00', to: '13:00', block: [a.test]}]",
        "  child:",
        "    extends: parent",
        "    time-rules: [{name: clubs, days: [fri], from: '12:45', to: '16:00', block: [b.test]}]",
        "  grandchild:",
        "    extends: child");
    assertEquals(List.of("webfilter.yaml:7: roles.child.time-rules[0]: time rule 'clubs' (fri 12:45-16:00) overlaps"
        + " time rule 'lunch' (mon,tue,wed,thu,fri 12:00-13:00) (inherited from parent); at most one time rule of a role"
        + " may apply at a time"), errors);
  }

  @Test
  void load_termOnlyAndHolidayOnlyRules_doNotOverlap() throws Exception {
    Path f = dir.resolve("ok.yaml");
    Files.write(f, List.of(
        "term-dates: [{from: 2026-09-03, to: 2026-12-18}]",
        "roles:",
        "  pupil:",
        "    time-rules:",
        "      - {name: term, from: '08:30', to: '15:30', in-term: true, block-categories: [games]}",
        "      - {name: holiday, from: '00:00', to: '24:00', in-term: false, allow-categories: [games]}"));
    assertEquals(2, ConfigLoader.load(f).roles().get("pupil").timeRules().size());
  }
}
