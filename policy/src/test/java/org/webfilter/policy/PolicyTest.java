package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.WebfilterConfig;

class PolicyTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");
  static String staffHash;

  @TempDir static Path dir;
  static Policy policy;

  @BeforeAll
  static void setUp() throws Exception {
    staffHash = UserStore.hash("staff-pass");
    write("lists/webmail/domains", "office365.com", "gmail.com", "mail.google.com");
    write("lists/adult/domains", "adult.test");
    write("lists/illegal/domains", "abuse.test");
    write("lists/games/urls", "school.test/games");
    write("lists/self-harm/domains", "helpline.test");
    write("allow/help.txt", "# curated", "helpline.test", "blocked-help.test");
    write(
        "webfilter.yaml",
        "data-dir: data",
        "lists: {roots: [lists]}",
        "identity:",
        "  default-role: guest",
        "  networks:",
        "    - {network: 10.0.0.0/8, role: pupil}",
        "    - {network: 10.20.0.0/16, role: staff}",
        "  login-required: [10.99.0.0/16]",
        "roles:",
        "  pupil:",
        "    block-categories: [adult, webmail, self-harm]",
        "    log-categories: [games]",
        "    allow: [outlook.office365.com, adult.test/biology]",
        "    block: [school.test/forbidden, cheats.school.test, adult.test/biology/worms, blocked-help.test]",
        "    allow-lists: [allow/help.txt]",
        "  staff:",
        "    block-categories: [adult]",
        "  guest:",
        "    block-categories: [adult, webmail, games]");
    WebfilterConfig config = ConfigLoader.load(dir.resolve("webfilter.yaml"));
    UserStore users = UserStore.inMemory(List.of(new User("t.teacher", "staff", Set.of(), staffHash)));
    policy = Policies.build(config, Policies.loadLists(config).categoriser(), users);
  }

  static void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  static Decision decide(String role, String url) {
    return policy.decide(role, Target.parse(url), NOW);
  }

  /** Every step of SPEC §2, with the rule id that names the deciding rule. */
  @ParameterizedTest(name = "{0} {1} -> {2} by {3}")
  @CsvSource({
    // 1. illegal: always blocked, for every role
    "pupil, http://abuse.test/,                        BLOCK, illegal",
    "staff, http://www.abuse.test/x,                   BLOCK, illegal",
    "guest, http://abuse.test/,                        BLOCK, illegal",
    // 2. explicit entries: the most specific wins
    "pupil, https://outlook.office365.com/mail/,       ALLOW, pupil.allow:outlook.office365.com",
    "pupil, http://adult.test/biology/cells,           ALLOW, pupil.allow:adult.test/biology",
    "pupil, http://adult.test/biology/worms/1,         BLOCK, pupil.block:adult.test/biology/worms",
    "pupil, http://school.test/forbidden/page,         BLOCK, pupil.block:school.test/forbidden",
    "pupil, http://a.cheats.school.test/,              BLOCK, pupil.block:cheats.school.test",
    // curated allow-list entries rank like allow entries; a role block entry wins a tie
    "pupil, https://www.helpline.test/support,         ALLOW, pupil.allow:helpline.test",
    "pupil, https://blocked-help.test/,                BLOCK, pupil.block:blocked-help.test",
    // 3. blocked categories
    "pupil, https://mail.google.com/mail/u/0,          BLOCK, pupil.category.webmail",
    "pupil, https://www.office365.com/,                BLOCK, pupil.category.webmail",
    "pupil, http://adult.test/other,                   BLOCK, pupil.category.adult",
    "guest, http://school.test/games/chess,            BLOCK, guest.category.games",
    // 5. allowed, logged when a log-only category matched
    "pupil, http://school.test/games/chess,            LOG,   pupil.log.games",
    "pupil, http://school.test/,                       ALLOW, default.allow",
    "staff, https://mail.google.com/,                  ALLOW, default.allow",
    "staff, https://helpline.test/,                    ALLOW, default.allow",
    // unknown role: fail closed
    "nobody, http://example.test/,                     BLOCK, policy.unknown-role",
  })
  void decide_followsPrecedence(String role, String url, Verdict verdict, String rule) {
    Decision d = decide(role, url);
    assertEquals(verdict, d.verdict(), d.trace().toString());
    assertEquals(rule, d.rule(), d.trace().toString());
  }

  @Test
  void decide_blocksWebmail_forPupil_withCategoryAndTraceInOrder() {
    Decision d = decide("pupil", "https://mail.google.com/mail/u/0");
    assertEquals("webmail", d.blockedCategory());
    assertEquals(
        List.of(
            "category webmail: domain mail.google.com (" + dir.resolve("lists/webmail/domains") + ":3)",
            "1. not in the illegal category",
            "time: role pupil has no time rules",
            "2. no allow or block entry of role pupil matches",
            "3. category webmail is blocked for role pupil: decided"),
        d.trace());
  }

  @Test
  void decide_allowEntryOverBlockedCategory_traceSaysWhyTheWinnerWon() {
    Decision d = decide("pupil", "http://adult.test/biology/cells");
    List<String> t = d.trace();
    assertTrue(t.get(0).startsWith("category adult: domain adult.test ("), t.toString());
    assertEquals("1. not in the illegal category", t.get(1));
    assertEquals("time: role pupil has no time rules", t.get(2));
    assertTrue(t.get(3).startsWith("2. allow entry adult.test/biology (URL prefix, "), t.toString());
    assertEquals(
        "2. allowed by allow entry adult.test/biology (URL prefix, " + dir.resolve("webfilter.yaml")
            + ":13): the only matching explicit entry (explicit entries outrank blocked categories:"
            + " overrides adult): decided",
        t.get(4));
    assertEquals(5, t.size(), t.toString());
  }

  @Test
  void decide_moreSpecificEntry_traceListsEveryMatchWinnerFirst() {
    List<String> t = decide("pupil", "http://adult.test/biology/worms/1").trace();
    assertTrue(t.get(3).startsWith("2. block entry adult.test/biology/worms (URL prefix"), t.toString());
    assertTrue(t.get(4).startsWith("2. allow entry adult.test/biology (URL prefix"), t.toString());
    assertTrue(t.get(5).endsWith(": the longest matching entry is the most specific: decided"), t.toString());
  }

  @Test
  void decide_blockEntryWinsTieWithAllowListEntry_andTraceSaysSo() {
    List<String> t = decide("pupil", "https://blocked-help.test/").trace();
    assertTrue(t.get(2).startsWith("2. block entry blocked-help.test (domain"), t.toString());
    assertTrue(t.get(3).startsWith("2. allow-list entry blocked-help.test (domain, " + dir.resolve("allow/help.txt") + ":3)"),
        t.toString());
    assertTrue(t.get(4).endsWith("a block entry wins a tie with an allow-list entry: decided"), t.toString());
  }

  @Test
  void decide_illegal_traceSaysNothingOverridesIt() {
    Decision d = decide("staff", "http://abuse.test/");
    assertEquals("illegal", d.blockedCategory());
    assertEquals("1. in the illegal category: always blocked for every role; no allow entry can override it: decided",
        d.trace().get(d.trace().size() - 1));
  }

  @Test
  void decide_sameRequest_givesTheSameTrace() {
    assertEquals(decide("pupil", "http://adult.test/biology/worms/1"), decide("pupil", "http://adult.test/biology/worms/1"));
  }

  @Test
  void role_exposesSwitchesWithDefaults() {
    var pupil = policy.role("pupil").orElseThrow();
    assertTrue(pupil.safeSearch());
    assertEquals(false, pupil.tlsInterception());
    assertEquals(0, pupil.phraseThreshold());
    assertTrue(policy.role("nobody").isEmpty());
  }

  @Test
  void identify_mostSpecificNetworkWins_elseDefault() throws Exception {
    assertEquals("pupil", role(policy.identify(InetAddress.getByName("10.1.2.3"), null)));
    assertEquals("staff", role(policy.identify(InetAddress.getByName("10.20.2.3"), null)));
    assertEquals("guest", role(policy.identify(InetAddress.getByName("192.168.1.1"), null)));
  }

  @Test
  void identifyAsync_checksUsersFilePasswords_andAnswersARememberedOneAtOnce() throws Exception {
    InetAddress pupilNet = InetAddress.getByName("10.1.2.3");
    Identification wrong = policy.identifyAsync(pupilNet, new Credentials("t.teacher", "nope-async"))
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertInstanceOf(Identification.LoginFailed.class, wrong);
    Identification ok = policy.identifyAsync(pupilNet, new Credentials("t.teacher", "staff-pass"))
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertEquals("t.teacher", assertInstanceOf(Identification.Identified.class, ok).identity().user());
    // verified once: the next check is complete at once, with no bcrypt and no other thread
    var again = policy.identifyAsync(pupilNet, new Credentials("t.teacher", "staff-pass"));
    assertTrue(again.isDone());
    assertEquals("staff", assertInstanceOf(Identification.Identified.class, again.join()).identity().role());
  }

  @Test
  void identify_login_givesUsersRole_wrongPasswordFails_requiredNetworkAsks() throws Exception {
    InetAddress pupilNet = InetAddress.getByName("10.1.2.3");
    Identification ok = policy.identify(pupilNet, new Credentials("t.teacher", "staff-pass"));
    Identity id = assertInstanceOf(Identification.Identified.class, ok).identity();
    assertEquals("t.teacher", id.user());
    assertEquals("staff", id.role());
    assertEquals("login", id.via());
    assertInstanceOf(Identification.LoginFailed.class, policy.identify(pupilNet, new Credentials("t.teacher", "nope")));
    assertInstanceOf(Identification.LoginFailed.class, policy.identify(pupilNet, new Credentials("ghost", "x")));
    assertInstanceOf(Identification.LoginRequired.class, policy.identify(InetAddress.getByName("10.99.1.1"), null));
  }

  private static String role(Identification i) {
    Identity id = assertInstanceOf(Identification.Identified.class, i).identity();
    assertNull(id.user());
    return id.role();
  }
}
