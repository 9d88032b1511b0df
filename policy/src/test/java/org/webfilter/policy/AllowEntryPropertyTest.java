package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * Property (seeded, so a failure reproduces): for a random host listed in a random blocked category, an
 * allow entry for that host (or a parent domain of it) always wins over the category; and for a host in
 * {@code illegal} an allow entry never wins: the configuration carrying it is refused, and without it
 * the request is blocked.
 */
class AllowEntryPropertyTest {
  static final Instant AT = Instant.parse("2026-11-23T10:15:00Z");
  static final List<String> CATEGORIES = List.of("adult", "webmail", "gambling", "extremist");

  @TempDir Path dir;

  @RepeatedTest(40)
  void allowEntry_beatsAnyCategory_butNeverIllegal(RepetitionInfo rep) throws Exception {
    Random r = new Random(rep.getCurrentRepetition());
    String listed = randomDomain(r);
    String host = r.nextBoolean() ? listed : label(r) + "." + listed;
    String allow = r.nextBoolean() ? host : listed;
    String category = CATEGORIES.get(r.nextInt(CATEGORIES.size()));

    write("lists/" + category + "/domains", listed);
    write("webfilter.yaml", "data-dir: data", "lists: {roots: [lists]}", "roles:",
        "  pupil: {block-categories: [illegal, " + String.join(", ", CATEGORIES) + "]}",
        "  allowing: {block-categories: [illegal, " + String.join(", ", CATEGORIES) + "], allow: [" + allow + "]}");
    Policy p = load();
    assertEquals(Verdict.BLOCK, p.decide("pupil", target(r, host), AT).verdict(), "listed host blocked without the entry");
    Decision d = p.decide("allowing", target(r, host), AT);
    assertEquals(Verdict.ALLOW, d.verdict(), d.trace().toString());
    assertEquals("allowing.allow:" + allow, d.rule());

    Files.delete(dir.resolve("lists/" + category + "/domains"));
    write("lists/illegal/domains", listed);
    assertThrows(ConfigException.class, this::load, "an allow entry touching illegal is refused");
    write("webfilter.yaml", "data-dir: data", "lists: {roots: [lists]}", "roles:",
        "  pupil: {block-categories: [adult]}");
    assertEquals("illegal", load().decide("pupil", target(r, host), AT).rule());
    Files.delete(dir.resolve("lists/illegal/domains"));
  }

  private Policy load() throws ConfigException {
    return PolicyLoader.load(dir.resolve("webfilter.yaml"), ConfigOverrides.NONE).policy();
  }

  private static Target target(Random r, String host) {
    return r.nextBoolean() ? Target.ofConnect(host + ":443") : Target.parse("http://" + host + "/" + label(r));
  }

  private static String randomDomain(Random r) {
    return label(r) + "." + List.of("com", "co.uk", "org", "net", "test").get(r.nextInt(5));
  }

  private static String label(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = 3 + r.nextInt(8);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + r.nextInt(26)));
    }
    return sb.toString();
  }

  private void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }
}
