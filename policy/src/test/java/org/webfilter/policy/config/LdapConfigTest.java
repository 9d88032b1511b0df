package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code identity.ldap}: defaults, and every bad key reported with file, line and key. */
class LdapConfigTest {
  @TempDir Path dir;

  private Path write(String... ldapLines) throws IOException {
    List<String> lines = new ArrayList<>(List.of("identity:", "  ldap:"));
    lines.addAll(List.of(ldapLines));
    lines.addAll(List.of("roles:", "  pupil: {}", "  staff: {}"));
    Path f = dir.resolve("webfilter.yaml");
    Files.write(f, lines);
    return f;
  }

  private List<String> errors(String... ldapLines) throws IOException {
    Path f = write(ldapLines);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    return e.errors().stream().map(ConfigError::toString).map(s -> s.replace(dir + "/", "")).toList();
  }

  @Test
  void ldap_absent_isNull() throws Exception {
    Path f = dir.resolve("webfilter.yaml");
    Files.write(f, List.of("roles:", "  pupil: {}"));
    assertNull(ConfigLoader.load(f).identity().ldap());
  }

  @Test
  void ldap_defaults() throws Exception {
    LdapSettings s = ConfigLoader.load(write(
        "    url: ldaps://dc1.school.local",
        "    bind: direct",
        "    user-dn: 'uid={user},ou=people,dc=school,dc=local'",
        "    group-roles: [{group: 'CN=Staff,OU=Groups,DC=school,DC=local', role: staff}]"))
        .identity().ldap();
    assertEquals(LdapSettings.Bind.DIRECT, s.bind());
    assertEquals("(sAMAccountName={user})", s.userFilter());
    assertEquals("memberOf", s.groupAttribute());
    assertNull(s.defaultRoleWhenNoGroup());
    assertEquals(Duration.ofMillis(3000), s.timeout());
    assertEquals(10_000, s.cacheMaxEntries());
    assertEquals(Duration.ofSeconds(600), s.cacheTtl());
    assertEquals(LdapSettings.WhenDown.CLOSED, s.whenDown());
    assertEquals(List.of(new LdapSettings.GroupRole("CN=Staff,OU=Groups,DC=school,DC=local", "staff")), s.groupRoles());
  }

  @Test
  void ldap_searchMode_readsServicePasswordFromFile_andNeverPrintsIt() throws Exception {
    Files.writeString(dir.resolve("ldap.secret"), "s3cret\n");
    LdapSettings s = ConfigLoader.load(write(
        "    url: ldap://dc1.school.local:389",
        "    bind: search",
        "    bind-dn: CN=webfilter,OU=Service,DC=school,DC=local",
        "    bind-password-file: ldap.secret",
        "    base-dn: DC=school,DC=local",
        "    default-role-when-no-group: pupil",
        "    cache: {max-entries: 500, ttl-seconds: 60}",
        "    when-down: default-role"))
        .identity().ldap();
    assertEquals("s3cret", s.bindPassword());
    assertEquals("pupil", s.defaultRoleWhenNoGroup());
    assertEquals(500, s.cacheMaxEntries());
    assertEquals(LdapSettings.WhenDown.DEFAULT_ROLE, s.whenDown());
    assertEquals(-1, s.toString().indexOf("s3cret"));
  }

  @Test
  void ldap_badKeys_reportedWithFileLineAndKey() throws IOException {
    List<String> errors = errors(
        /* 3 */ "    url: http://dc1.school.local",
        /* 4 */ "    bind: search",
        /* 5 */ "    bind-dn: CN=webfilter,DC=school,DC=local",
        /* 6 */ "    bind-password: x",
        /* 7 */ "    user-filter: '(uid=user)'",
        /* 8 */ "    group-roles:",
        /* 9 */ "      - {group: 'CN=Staff,OU=Groups,DC=school,DC=local', role: teachers}",
        /* 10 */ "      - {group: 'not a dn', role: staff}",
        /* 11 */ "    default-role-when-no-group: visitor",
        /* 12 */ "    timeout-ms: 5",
        /* 13 */ "    cache: {max-entries: 0, ttl: 5}",
        /* 14 */ "    when-down: open");
    assertEquals(List.of(
        "webfilter.yaml:3: identity.ldap.url: 'http://dc1.school.local': scheme must be ldap or ldaps (expected e.g. ldaps://dc1.school.local:636)",
        "webfilter.yaml:7: identity.ldap.user-filter: '(uid=user)' does not contain {user}",
        "webfilter.yaml:3: identity.ldap.base-dn: missing (bind: search looks users up under it)",
        "webfilter.yaml:9: identity.ldap.group-roles[0].role: unknown role 'teachers'",
        "webfilter.yaml:10: identity.ldap.group-roles[1].group: 'not a dn' is not a DN (expected e.g. CN=Staff,OU=Groups,DC=school,DC=local)",
        "webfilter.yaml:11: identity.ldap.default-role-when-no-group: unknown role 'visitor' (expected: none or a role)",
        "webfilter.yaml:12: identity.ldap.timeout-ms: 5 (expected: 100-60000)",
        "webfilter.yaml:13: identity.ldap.cache.ttl: unknown key (expected one of: " + String.join(", ", java.util.Set.of("max-entries", "ttl-seconds")) + ")",
        "webfilter.yaml:13: identity.ldap.cache.max-entries: 0 (expected: 1-1000000)",
        "webfilter.yaml:14: identity.ldap.when-down: 'open' (expected: closed or default-role)"), errors);
  }

  @Test
  void ldap_missingKeys_andKeysOfTheOtherMode() throws IOException {
    assertEquals(List.of(
        "webfilter.yaml:3: identity.ldap.url: missing (expected e.g. ldaps://dc1.school.local:636)",
        "webfilter.yaml:3: identity.ldap.bind: missing (expected: direct or search)",
        "webfilter.yaml:3: identity.ldap.group-roles: missing (with default-role-when-no-group: none, no directory user could log in)"),
        errors("    timeout-ms: 1000"));
    assertEquals(List.of(
        "webfilter.yaml:3: identity.ldap.bind-dn: missing (bind: search needs the service account that looks users up)",
        "webfilter.yaml:3: identity.ldap.bind-password: missing (bind: search needs bind-password or bind-password-file)",
        "webfilter.yaml:3: identity.ldap.base-dn: missing (bind: search looks users up under it)",
        "webfilter.yaml:5: identity.ldap.user-dn: not used with bind: search"),
        errors("    url: ldap://dc1", "    bind: search", "    user-dn: 'uid={user},dc=x'",
            "    default-role-when-no-group: pupil"));
    assertEquals(List.of(
        "webfilter.yaml:3: identity.ldap.base-dn: missing (bind: direct with a user principal such as '{user}@school.local' finds the user's groups under base-dn with user-filter)",
        "webfilter.yaml:6: identity.ldap.bind-password-file: not used with bind: direct"),
        errors("    url: ldaps://dc1:636", "    bind: direct", "    user-dn: '{user}@school.local'",
            "    bind-password-file: nowhere", "    default-role-when-no-group: pupil"));
  }
}
