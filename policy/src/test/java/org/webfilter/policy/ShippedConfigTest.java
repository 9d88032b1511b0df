package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.WebfilterConfig;

/** The presets in conf/webfilter.yaml and the curated allow-lists in conf/allow. */
class ShippedConfigTest {
  static final Instant MONDAY_MORNING = Instant.parse("2026-11-23T10:00:00Z");
  static final Instant MONDAY_LUNCH = Instant.parse("2026-11-23T12:15:00Z");

  @TempDir static Path extra;
  static WebfilterConfig config;
  static Policy policy;

  @BeforeAll
  static void load() throws Exception {
    // Third-party lists over-block: they file help sites under the topic they help with.
    write("self-harm/domains", "samaritans.org", "papyrus-uk.org");
    write("drogue/domains", "talktofrank.com");
    write("adult/urls", "bbc.co.uk/bitesize/topics/sex-education");
    write("games/domains", "games.test");
    config = ConfigLoader.load(Path.of("../conf/webfilter.yaml"),
        new ConfigOverrides(extra.resolve("data"), null, null, List.of(extra.resolve("lists")), null, Map.of()));
    policy = Policies.build(config, Policies.loadLists(config).categoriser(), UserStore.inMemory(List.of()));
  }

  static void write(String rel, String... lines) throws Exception {
    Path p = extra.resolve("lists").resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  @Test
  void presets_exist_andPupilExtendsSecondary() {
    assertEquals(List.of("pupil-secondary", "pupil-primary", "sixth-form", "pupil", "staff", "guest"),
        List.copyOf(config.roles().keySet()));
    assertEquals("pupil-secondary", config.roles().get("pupil").parent());
    assertEquals(config.roles().get("pupil-secondary").blockedCategories(), config.roles().get("pupil").blockedCategories());
  }

  @ParameterizedTest(name = "{0}: safe-search={1} tls={2} phrase-threshold={3}")
  @CsvSource({
    "pupil-primary,   true,  false, 50",
    "pupil-secondary, true,  false, 100",
    "pupil,           true,  false, 100",
    "sixth-form,      true,  false, 160",
    "staff,           false, false, 0",
    "guest,           true,  false, 0",
  })
  void presets_switches(String role, boolean safeSearch, boolean tls, int threshold) {
    RoleSettings r = policy.role(role).orElseThrow();
    assertEquals(safeSearch, r.safeSearch());
    assertEquals(tls, r.tlsInterception());
    assertEquals(threshold, r.phraseThreshold());
  }

  @ParameterizedTest(name = "{0} {1} -> {2} by {3}")
  @CsvSource({
    // the curated allow-lists win over the categories third-party lists put help sites in
    "pupil,           https://www.samaritans.org/,                     ALLOW, pupil.allow:samaritans.org",
    "pupil-primary,   https://papyrus-uk.org/,                         ALLOW, pupil-primary.allow:papyrus-uk.org",
    "sixth-form,      https://www.talktofrank.com/drug/cannabis,       ALLOW, sixth-form.allow:talktofrank.com",
    "pupil-secondary, https://www.bbc.co.uk/bitesize/topics/sex-education, ALLOW, pupil-secondary.allow:bbc.co.uk/bitesize",
    // roles without the lists: the categories decide
    "staff,           https://www.samaritans.org/,                     LOG,   staff.log.self-harm",
    "guest,           https://www.samaritans.org/,                     ALLOW, default.allow",
    // webmail: blocked for pupils, the school's own allowed, logged for the sixth form
    "pupil,           https://gmail.com/,                              BLOCK, pupil.category.webmail",
    "pupil,           https://outlook.office365.com/mail/,             ALLOW, pupil.allow:outlook.office365.com",
    "sixth-form,      https://gmail.com/,                              LOG,   sixth-form.log.webmail",
    "staff,           https://gmail.com/,                              ALLOW, default.allow",
    // games: logged for secondary pupils, blocked for primary
    "pupil,           http://games.test/,                              LOG,   pupil.log.games",
    "pupil-primary,   http://games.test/,                              BLOCK, pupil-primary.category.games",
  })
  void presets_decide(String role, String url, Verdict verdict, String rule) {
    Decision d = policy.decide(role, Target.parse(url), MONDAY_MORNING);
    assertEquals(verdict, d.verdict(), d.trace().toString());
    assertEquals(rule, d.rule(), d.trace().toString());
  }

  @Test
  void decide_primaryLunchtimeAllowsGames_onWeekdays() {
    Decision d = policy.decide("pupil-primary", Target.parse("http://games.test/"), MONDAY_LUNCH);
    assertEquals(Verdict.LOG, d.verdict(), d.trace().toString());
    assertEquals("pupil-primary.log.games", d.rule()); // unblocked by the time rule, logged by the role
    assertTrue(d.trace().get(2).contains("time rule 'lunchtime-games' of role pupil-primary applies"), d.trace().toString());
  }

  @Test
  void allowLists_areOnForEveryPupilRole_andOffForStaffAndGuest() {
    for (String role : List.of("pupil-primary", "pupil-secondary", "sixth-form", "pupil")) {
      assertTrue(config.roles().get(role).allowListEntries().size() > 60, role);
    }
    assertTrue(config.roles().get("staff").allowListEntries().isEmpty());
    assertTrue(config.roles().get("guest").allowListEntries().isEmpty());
  }
}
