package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.sdk.Filter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.WebfilterConfig;

/**
 * Proxy logins checked against a real LDAP server, UnboundID's in-memory directory, started in this
 * process on an ephemeral port. Group membership is written directly as {@code memberOf} values.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LdapIdentityTest {
  private static final String BASE = "dc=school,dc=local";
  private static final String STAFF = "cn=Staff,ou=groups," + BASE;
  private static final String SIXTH = "cn=Sixth Form,ou=groups," + BASE;
  private static final String PUPILS = "cn=Pupils,ou=groups," + BASE;
  private static final String SERVICE = "cn=webfilter,ou=service," + BASE;

  @TempDir Path dir;
  private InMemoryDirectoryServer server;
  private InetAddress client;

  @BeforeEach
  void startDirectory() throws Exception {
    LdapDirectory.forgetShared();
    client = InetAddress.getByName("10.1.2.3");
    InMemoryDirectoryServerConfig cfg = new InMemoryDirectoryServerConfig(BASE);
    cfg.setSchema(null); // memberOf written directly, as AD and the OpenLDAP overlay present it
    cfg.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig("ldap", InetAddress.getLoopbackAddress(), 0, null));
    server = new InMemoryDirectoryServer(cfg);
    server.add("dn: " + BASE, "objectClass: domain", "dc: school");
    server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
    server.add("dn: ou=service," + BASE, "objectClass: organizationalUnit", "ou: service");
    server.add("dn: " + SERVICE, "objectClass: person", "cn: webfilter", "sn: svc", "userPassword: service-pw");
    // memberOf order differs from the mapping order: the mapping order decides
    person("alice", "alice-pw", PUPILS, "CN=STAFF,OU=Groups,DC=school,DC=local");
    person("bob", "bob-pw", PUPILS, SIXTH);
    person("carol", "carol-pw");
    person("dave", "dave-ldap-pw", STAFF); // also a local user, with another password
    person("alicia", "alicia-pw", PUPILS);
    server.startListening();
  }

  @AfterEach
  void stopDirectory() {
    server.shutDown(true);
  }

  private void person(String uid, String password, String... groups) throws Exception {
    List<String> ldif = new ArrayList<>(List.of(
        "dn: uid=" + uid + ",ou=people," + BASE, "objectClass: inetOrgPerson", "uid: " + uid, "cn: " + uid,
        "sn: " + uid, "userPassword: " + password));
    for (String g : groups) {
      ldif.add("memberOf: " + g);
    }
    server.add(ldif.toArray(String[]::new));
  }

  private String url() {
    return "ldap://127.0.0.1:" + server.getListenPort();
  }

  private List<String> searchMode() {
    return List.of(
        "    bind: search",
        "    bind-dn: " + SERVICE,
        "    bind-password-file: secret/ldap",
        "    base-dn: " + BASE,
        "    user-filter: '(uid={user})'");
  }

  private List<String> directMode() {
    return List.of("    bind: direct", "    user-dn: 'uid={user},ou=people," + BASE + "'");
  }

  private Policy policy(List<String> mode, String... extra) throws Exception {
    Files.createDirectories(dir.resolve("secret"));
    Files.writeString(dir.resolve("secret/ldap"), "service-pw\n");
    List<String> yaml = new ArrayList<>(List.of(
        "data-dir: data",
        "identity:",
        "  default-role: pupil",
        "  ldap:",
        "    url: " + url(),
        "    timeout-ms: 5000",
        "    group-roles:",
        "      - {group: 'CN=Staff,OU=Groups,DC=school,DC=local', role: staff}",
        "      - {group: '" + SIXTH + "', role: sixth-form}",
        "      - {group: '" + PUPILS + "', role: pupil}"));
    yaml.addAll(mode);
    yaml.addAll(List.of(extra));
    yaml.addAll(List.of("roles:", "  pupil: {}", "  sixth-form: {}", "  staff: {}", "  guest: {}"));
    Path f = dir.resolve("webfilter.yaml");
    Files.write(f, yaml);
    WebfilterConfig config = ConfigLoader.load(f);
    UserStore users = UserStore.inMemory(List.of(new User("dave", "guest", Set.of(), UserStore.hash("dave-local-pw"))));
    return Policies.build(config, Policies.loadLists(config).categoriser(), users);
  }

  private Identification login(Policy p, String user, String password) throws Exception {
    return p.identifyAsync(client, new Credentials(user, password)).get(60, TimeUnit.SECONDS);
  }

  private static Identity identified(Identification i) {
    return assertInstanceOf(Identification.Identified.class, i).identity();
  }

  @Test
  void search_rightPassword_roleFromFirstMatchingMapping() throws Exception {
    Policy p = policy(searchMode());
    Identity alice = identified(login(p, "alice", "alice-pw"));
    assertEquals("alice", alice.user());
    assertEquals("staff", alice.role()); // group DNs compare without regard to case
    assertEquals("ldap group CN=Staff,OU=Groups,DC=school,DC=local", alice.via());
    assertEquals("sixth-form", identified(login(p, "bob", "bob-pw")).role());
  }

  @Test
  void direct_rightPassword_roleFromFirstMatchingMapping() throws Exception {
    Policy p = policy(directMode());
    assertEquals("staff", identified(login(p, "alice", "alice-pw")).role());
    assertEquals("sixth-form", identified(login(p, "bob", "bob-pw")).role());
  }

  @ParameterizedTest
  @ValueSource(strings = {"search", "direct"})
  void wrongPasswordUnknownUserOrEmptyPassword_loginFails(String mode) throws Exception {
    Policy p = policy(mode.equals("search") ? searchMode() : directMode());
    assertInstanceOf(Identification.LoginFailed.class, login(p, "alice", "wrong"));
    assertInstanceOf(Identification.LoginFailed.class, login(p, "nobody", "alice-pw"));
    // an empty password would be an anonymous bind, which LDAP servers accept
    assertInstanceOf(Identification.LoginFailed.class, login(p, "alice", ""));
  }

  @ParameterizedTest
  @ValueSource(strings = {"search", "direct"})
  void userInNoMappedGroup_loginFails(String mode) throws Exception {
    Policy p = policy(mode.equals("search") ? searchMode() : directMode());
    assertInstanceOf(Identification.LoginFailed.class, login(p, "carol", "carol-pw"));
  }

  @Test
  void userInNoMappedGroup_getsDefaultRoleWhenNoGroup_whenConfigured() throws Exception {
    Policy p = policy(searchMode(), "    default-role-when-no-group: guest");
    Identity carol = identified(login(p, "carol", "carol-pw"));
    assertEquals("guest", carol.role());
    assertEquals("carol", carol.user());
    assertEquals("staff", identified(login(p, "alice", "alice-pw")).role());
  }

  @Test
  void directoryDown_failsClosed_byDefault() throws Exception {
    Policy p = policy(searchMode());
    server.shutDown(true);
    assertInstanceOf(Identification.LoginFailed.class, login(p, "alice", "alice-pw"));
    assertInstanceOf(Identification.LoginFailed.class, login(p, "bob", "bob-pw")); // fails fast: backing off
  }

  @Test
  void directoryDown_givesIdentityDefaultRole_whenConfigured() throws Exception {
    Policy p = policy(searchMode(), "    when-down: default-role");
    server.shutDown(true);
    Identity i = identified(login(p, "alice", "alice-pw"));
    assertEquals("pupil", i.role());
    assertNull(i.user()); // not verified, so not recorded as the user
  }

  @Test
  void cacheHit_doesNotContactTheDirectory_andCompletesAtOnce() throws Exception {
    Policy p = policy(searchMode());
    assertEquals("staff", identified(login(p, "alice", "alice-pw")).role());
    server.shutDown(true);
    CompletableFuture<Identification> again = p.identifyAsync(client, new Credentials("alice", "alice-pw"));
    assertTrue(again.isDone(), "a remembered login must not wait");
    assertEquals("staff", identified(again.join()).role());
    assertEquals("staff", identified(p.identify(client, new Credentials("alice", "alice-pw"))).role());
    // a different password is not the remembered login: the directory is down, so it fails closed
    assertInstanceOf(Identification.LoginFailed.class, login(p, "alice", "other"));
  }

  @Test
  void reload_withSameSettings_keepsRememberedLogins() throws Exception {
    Policy first = policy(searchMode());
    assertEquals("staff", identified(login(first, "alice", "alice-pw")).role());
    Policy reloaded = policy(searchMode());
    server.shutDown(true);
    assertEquals("staff", identified(login(reloaded, "alice", "alice-pw")).role());
  }

  @Test
  void syncIdentify_asksTheDirectory_offTheEventLoop() throws Exception {
    Policy p = policy(searchMode());
    assertEquals("sixth-form", identified(p.identify(client, new Credentials("bob", "bob-pw"))).role());
    assertInstanceOf(Identification.LoginFailed.class, p.identify(client, new Credentials("bob", "nope")));
  }

  @Test
  void localUsersFile_isTriedFirst_andNeverFallsBackToTheDirectory() throws Exception {
    Policy p = policy(searchMode());
    Identity dave = identified(login(p, "dave", "dave-local-pw"));
    assertEquals("guest", dave.role());
    assertEquals("login", dave.via());
    assertInstanceOf(Identification.LoginFailed.class, login(p, "dave", "dave-ldap-pw"));
  }

  /** Regression guard: a name with filter syntax must not match someone else's entry (RFC 4515). */
  @ParameterizedTest
  @ValueSource(strings = {"*)(uid=*", "alic*", "*", "alice)(|(uid=*", "alice\\2a"})
  void filterInjection_inSearchMode_isEscaped(String user) throws Exception {
    Policy p = policy(searchMode());
    assertInstanceOf(Identification.LoginFailed.class, login(p, user, "alice-pw"));
  }

  /** A name with DN syntax must not bind as another entry (RFC 4514). */
  @ParameterizedTest
  @ValueSource(strings = {"*)(uid=*", "alice,ou=people", "alice+cn=alice", " alice", "alice "})
  void dnInjection_inDirectMode_isEscaped(String user) throws Exception {
    Policy p = policy(directMode());
    assertInstanceOf(Identification.LoginFailed.class, login(p, user, "alice-pw"));
  }

  @Test
  void escaping_followsRfc4514AndRfc4515() {
    assertEquals("\\2a\\29\\28uid=\\2a", Filter.encodeValue("*)(uid=*"));
    assertEquals("*)(uid\\=*", LdapDirectory.escapeDnValue("*)(uid=*"));
    assertEquals("a\\,ou\\=x\\+cn\\=y\\;\\\"\\<\\>\\\\", LdapDirectory.escapeDnValue("a,ou=x+cn=y;\"<>\\"));
    assertEquals("\\ a \\ ", LdapDirectory.escapeDnValue(" a  "));
    assertEquals("\\#a#", LdapDirectory.escapeDnValue("#a#"));
  }

  @Test
  void userPrincipalTemplate_refusesNamesWithSyntax_withoutAskingTheDirectory() throws Exception {
    Policy p = policy(List.of("    bind: direct", "    user-dn: '{user}@school.local'", "    base-dn: " + BASE,
        "    user-filter: '(uid={user})'", "    when-down: default-role"));
    server.shutDown(true); // a name that is asked about would be "directory down" and get the default role
    assertInstanceOf(Identification.LoginFailed.class, login(p, "*)(uid=*", "x"));
    LdapDirectory d = new LdapDirectory(
        ConfigLoader.load(dir.resolve("webfilter.yaml")).identity().ldap(), com.github.benmanes.caffeine.cache.Ticker.systemTicker());
    assertNotNull(d.nameProblem("*)(uid=*"));
    assertNotNull(d.nameProblem("alice@evil.local"));
    assertNotNull(d.nameProblem("alice\u0000"));
    assertNull(d.nameProblem("j.smith"));
  }
}
