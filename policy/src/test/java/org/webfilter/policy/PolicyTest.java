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
        "    block-categories: [illegal, adult, webmail]",
        "    log-categories: [games]",
        "    allow: [outlook.office365.com, abuse.test, adult.test/biology]",
        "    block: [school.test/forbidden, cheats.school.test]",
        "  staff:",
        "    block-categories: [illegal, adult]",
        "  guest:",
        "    block-categories: [illegal, adult, webmail, games]");
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

  @Test
  void decide_blocksWebmail_forPupil_withRuleAndTrace() {
    Decision d = decide("pupil", "https://mail.google.com/mail/u/0");
    assertEquals(Verdict.BLOCK, d.verdict());
    assertEquals("pupil.category.webmail", d.rule());
    assertEquals("webmail", d.blockedCategory());
    assertTrue(d.trace().get(0).startsWith("category webmail: domain mail.google.com"), d.trace().toString());
    assertTrue(d.trace().get(d.trace().size() - 1).contains("decided"), d.trace().toString());
  }

  @Test
  void decide_allowEntry_beatsBlockedCategory() {
    Decision d = decide("pupil", "https://outlook.office365.com/mail/");
    assertEquals(Verdict.ALLOW, d.verdict());
    assertEquals("pupil.allow:outlook.office365.com", d.rule());
    assertEquals(Set.of("webmail"), d.categories());
    assertEquals(Verdict.BLOCK, decide("pupil", "https://www.office365.com/").verdict());
  }

  @Test
  void decide_illegal_beatsAllowEntry_forEveryRole() {
    for (String role : List.of("pupil", "staff", "guest")) {
      Decision d = decide(role, "http://abuse.test/");
      assertEquals(Verdict.BLOCK, d.verdict(), role);
      assertEquals("illegal", d.rule());
    }
  }

  @Test
  void decide_mostSpecificExplicitEntryWins_urlPrefixBeatsDomain() {
    assertEquals(Verdict.ALLOW, decide("pupil", "http://adult.test/biology/cells").verdict());
    assertEquals(Verdict.BLOCK, decide("pupil", "http://adult.test/other").verdict());
    Decision d = decide("pupil", "http://school.test/forbidden/page");
    assertEquals(Verdict.BLOCK, d.verdict());
    assertEquals("pupil.block:school.test/forbidden", d.rule());
    assertEquals("policy", d.blockedCategory());
    assertEquals(Verdict.BLOCK, decide("pupil", "http://a.cheats.school.test/").verdict());
    assertEquals(Verdict.ALLOW, decide("pupil", "http://school.test/").verdict());
  }

  @Test
  void decide_logOnlyCategory_isAllowedButFlagged() {
    Decision d = decide("pupil", "http://school.test/games/chess");
    assertEquals(Verdict.LOG, d.verdict());
    assertEquals("pupil.log.games", d.rule());
    assertEquals(Verdict.BLOCK, decide("guest", "http://school.test/games/chess").verdict());
  }

  @Test
  void decide_staff_mayUseWebmail() {
    Decision d = decide("staff", "https://mail.google.com/");
    assertEquals(Verdict.ALLOW, d.verdict());
    assertEquals("default.allow", d.rule());
  }

  @Test
  void decide_unknownRole_failsClosed() {
    assertEquals(Verdict.BLOCK, decide("nobody", "http://example.test/").verdict());
  }

  @Test
  void identify_mostSpecificNetworkWins_elseDefault() throws Exception {
    assertEquals("pupil", role(policy.identify(InetAddress.getByName("10.1.2.3"), null)));
    assertEquals("staff", role(policy.identify(InetAddress.getByName("10.20.2.3"), null)));
    assertEquals("guest", role(policy.identify(InetAddress.getByName("192.168.1.1"), null)));
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
