package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * Every field of many decisions — verdict, rule, reason, blocked category, categories and the whole
 * reason trace — compared with a recording made before the trace became lazy (2026-11-23, commit
 * 47d2ced), so a change that makes deciding cheaper cannot change what a block page, an event or the
 * UI's "why is this blocked" says. Two configurations: the shipped {@code conf/webfilter.yaml} (every
 * preset, the curated allow-lists, the phrase lists, the lunchtime rule) with small third-party lists
 * and UT1-style expressions, and a synthetic one with explicit allow and block entries of every kind
 * (domain, URL prefix, expression) that outrank each other, time rules that add and replace entries,
 * and term dates. Each decision is made twice, its trace read only after the second, and the two must
 * agree too.
 *
 * <p>To re-record after an intended change of wording: {@code mvn -pl categoriser,policy -am verify
 * -Dtest=DecisionGoldenTest -Dsurefire.failIfNoSpecifiedTests=false -Dwebfilter.golden.write=true}, and
 * review the diff of {@code src/test/resources/decision-golden.txt}.
 */
class DecisionGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/decision-golden.txt");
  private static final String SHIPPED_CONF = Path.of("../conf").toAbsolutePath().normalize().toString();

  @TempDir static Path dir;
  static Policy shipped;
  static Policy synthetic;

  static final List<Instant> TIMES = List.of(
      Instant.parse("2026-11-23T10:15:00Z"), // Monday morning, term
      Instant.parse("2026-11-23T12:15:30Z"), // Monday lunchtime
      Instant.parse("2026-11-28T12:15:00Z"), // Saturday lunchtime
      Instant.parse("2026-12-23T12:30:00Z"), // Wednesday lunchtime, outside term (synthetic)
      Instant.parse("2026-07-01T11:59:59Z")); // summer time: 12:59 local

  static final List<String> SHIPPED_ROLES =
      List.of("pupil-secondary", "pupil-primary", "sixth-form", "pupil", "staff", "guest", "nobody");
  static final List<String> SYNTHETIC_ROLES = List.of("pupil", "staff", "guest", "nobody");

  static final List<String> TARGETS = List.of(
      "https://www.samaritans.org/",
      "https://papyrus-uk.org/get-help",
      "https://www.talktofrank.com/drug/cannabis",
      "https://www.bbc.co.uk/bitesize/topics/sex-education",
      "https://www.bbc.co.uk/bitesize/topics/maths",
      "https://gmail.com/",
      "https://mail.google.com/mail/u/0/",
      "https://outlook.office365.com/mail/",
      "http://games.test/",
      "http://maths.games.test/fractions",
      "http://www.games.test/cheats/level1",
      "http://adult.test/",
      "http://adult.test/biology",
      "http://adult.test/biology/worms",
      "http://adult.test/biology/worms/more",
      "http://school.test/",
      "http://school.test/forbidden/x",
      "http://school.test/games",
      "http://school.test/homework/closed/today",
      "http://maths.school.test/homework/1",
      "http://cheats.school.test/",
      "http://abuse.test/",
      "http://sub.abuse.test/x",
      "http://drugs.test/",
      "http://shop.drugs.test/buy?item=1",
      "http://casino.test/",
      "http://lunch.test/menu",
      "http://lunch.test/blocked-at-lunch",
      "https://www.google.com/search?q=how+to+hurt+myself",
      "https://www.google.com/search?q=hurt+myself",
      "https://www.google.com/search?q=how+to+hurt+myself+helpline",
      "https://www.google.com/search?q=cache:adult.test",
      "https://www.google.co.uk/search?q=homework+help&page=2",
      "https://www.bing.com/search?q=free+porn+videos",
      "https://www.bing.com/videos/search?q=sex",
      "https://duckduckgo.com/?q=naked+girls",
      "http://forum.test/how-to-hurt-myself",
      "http://forum.test/how-to-hurt-myself?helpline=1",
      "http://example.com/banner/ad.gif",
      "http://192.168.1.10/search?q=123",
      "http://192.168.1.10/",
      "http://example.org/",
      "http://unlisted.example/some/path?x=1",
      "connect:www.samaritans.org:443",
      "connect:gmail.com:443",
      "connect:games.test:443",
      "connect:adult.test:443",
      "connect:abuse.test:443",
      "connect:unlisted.example:443",
      "connect:school.test:443",
      "connect:maths.school.test:443");

  @BeforeAll
  static void load() throws Exception {
    // Third-party-style lists for the shipped configuration.
    write("extra/self-harm/domains", "samaritans.org", "papyrus-uk.org", "forum.test");
    write("extra/drogue/domains", "talktofrank.com", "drugs.test");
    write("extra/drogue/urls", "shop.drugs.test/buy");
    write("extra/adult/domains", "adult.test", "www.games.test");
    write("extra/adult/urls", "bbc.co.uk/bitesize/topics/sex-education");
    write("extra/games/domains", "games.test");
    write("extra/gambling/domains", "casino.test", "games.test");
    write("extra/illegal/domains", "abuse.test");
    write("extra/strong_redirector/expressions",
        "((google\\..*/search\\?q=cache.*)|(bing\\.com/videos/search\\?q=.*))(anal|sex|porn|adult)");
    write("extra/malware/expressions", "^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+/search\\?q=[0-9]+$");
    write("extra/publicite/expressions", "(/banner/|/sponsor/|adverts/)");
    shipped = PolicyLoader.load(Path.of("../conf/webfilter.yaml"),
            new ConfigOverrides(dir.resolve("data"), null, null, List.of(dir.resolve("extra")), null, Map.of()))
        .policy();

    write("s/lists/webmail/domains", "office365.com", "gmail.com", "mail.google.com");
    write("s/lists/adult/domains", "adult.test", "www.games.test");
    write("s/lists/illegal/domains", "abuse.test");
    write("s/lists/games/domains", "games.test");
    write("s/lists/games/urls", "school.test/games");
    write("s/lists/drugs/domains", "drugs.test");
    write("s/lists/self-harm/domains", "samaritans.org", "forum.test");
    write("s/lists/gambling/domains", "casino.test");
    write("s/lists/chat/domains", "lunch.test", "games.test");
    write("s/lists/malware/expressions", "(/banner/|/sponsor/)");
    write("s/allow/help.txt", "# curated", "samaritans.org", "games.test/help", "adult.test/biology");
    write("s/phrases/english/self-harm.weighted",
        "<hurt myself><60>", "<how to>,<hurt myself><50>", "<helpline><-100>");
    write("s/phrases/english/adult.weighted", "<porn><80>", "<naked><60>", "<girls><30>", "<free><5>");
    write("s/webfilter.yaml",
        "data-dir: data",
        "lists: {roots: [lists]}",
        "time-zone: Europe/London",
        "term-dates: [{from: 2026-09-01, to: 2026-12-18}, {from: 2027-01-05, to: 2027-07-20}]",
        "roles:",
        "  pupil:",
        "    block-categories: [illegal, adult, webmail, self-harm, games, drugs, malware]",
        "    log-categories: [chat, gambling]",
        "    phrase-threshold: 100",
        "    allow-lists: [allow/help.txt]",
        "    allow:",
        "      - outlook.office365.com",
        "      - adult.test/biology",
        "      - 're:^maths\\.games\\.test/'",
        "      - re: ^[a-z]+\\.school\\.test/homework",
        "      - school.test/homework/closed",
        "      - 're:/search\\?q=homework'",
        "    block:",
        "      - school.test/forbidden",
        "      - cheats.school.test",
        "      - adult.test/biology/worms",
        "      - 're:/cheats?/'",
        "      - 're:^[a-z]+\\.school\\.test/'",
        "      - 're:homework'",
        "    time-rules:",
        "      - name: lunchtime",
        "        days: [weekdays]",
        "        from: \"12:00\"",
        "        to: \"13:00\"",
        "        in-term: true",
        "        allow-categories: [games]",
        "        block-categories: [gambling]",
        "        log-categories: [games]",
        "        allow: [lunch.test, school.test/forbidden]",
        "        block: [lunch.test/blocked-at-lunch, casino.test]",
        "      - name: holidays",
        "        from: \"00:00\"",
        "        to: \"24:00\"",
        "        in-term: false",
        "        allow-categories: [webmail]",
        "        log-categories: [webmail]",
        "  staff:",
        "    block-categories: [illegal, adult]",
        "    log-categories: [self-harm, drugs]",
        "    phrase-threshold: 0",
        "    allow: ['re:\\.school\\.test/', games.test]",
        "  guest:",
        "    block-categories: [illegal, adult, webmail, games]",
        "    phrase-threshold: 50");
    synthetic = PolicyLoader.load(dir.resolve("s/webfilter.yaml"), ConfigOverrides.NONE).policy();
  }

  static void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  static Target target(String t) {
    return t.startsWith("connect:") ? Target.ofConnect(t.substring("connect:".length())) : Target.parse(t);
  }

  /**
   * One decision in a stable text form: the temporary folder is written as {@code $DIR} and the
   * checkout's {@code conf/} as {@code $CONF}, so the recording holds wherever the repository is.
   */
  static String describe(String config, String role, String target, Instant at, Decision d) {
    StringBuilder b = new StringBuilder();
    b.append("== ").append(config).append(" | ").append(role).append(" | ").append(target).append(" | ")
        .append(at).append('\n');
    b.append(d.verdict()).append(" | ").append(d.rule()).append(" | ").append(d.reason()).append(" | ")
        .append(d.blockedCategory()).append(" | ").append(new TreeSet<>(d.categories())).append('\n');
    for (String line : d.trace()) {
      b.append("  ").append(line).append('\n');
    }
    return b.toString().replace(dir.toString(), "$DIR").replace(SHIPPED_CONF, "$CONF");
  }

  static String all() {
    StringBuilder out = new StringBuilder();
    record Case(String name, Policy policy, List<String> roles) {}
    for (Case c : List.of(new Case("shipped", shipped, SHIPPED_ROLES), new Case("synthetic", synthetic, SYNTHETIC_ROLES))) {
      for (String role : c.roles()) {
        // an unknown role is blocked whatever the time; the shipped presets have no term dates
        List<Instant> times = role.equals("nobody") ? TIMES.subList(0, 1) : c.name().equals("shipped") ? TIMES.subList(0, 3) : TIMES;
        for (Instant at : times) {
          for (String t : TARGETS) {
            Decision first = c.policy().decide(role, target(t), at);
            Decision second = c.policy().decide(role, target(t), at);
            String text = describe(c.name(), role, t, at, second);
            assertEquals(text, describe(c.name(), role, t, at, first), "the same decision twice");
            out.append(text);
          }
        }
      }
    }
    return out.toString();
  }

  @Test
  void decisions_andTraces_areAsRecorded() throws IOException {
    String actual = all();
    if (Boolean.getBoolean("webfilter.golden.write")) {
      Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
    }
    List<String> expected = Files.readAllLines(GOLDEN, StandardCharsets.UTF_8);
    List<String> got = new ArrayList<>(actual.lines().toList());
    assertEquals(expected.size(), got.size(), "lines");
    for (int i = 0; i < expected.size(); i++) {
      int line = i;
      assertEquals(expected.get(i), got.get(i), () -> "line " + (line + 1) + " of " + GOLDEN);
    }
  }
}
