package org.webfilter.policy.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code identity.ldap:} keys: proxy logins checked against an LDAP directory or Active Directory.
 * Users in the local users file are checked there first; only a name that is not in it is looked up
 * in the directory. docs/configuration.md describes every key.
 *
 * @param url {@code ldap://host[:port]} or {@code ldaps://host[:port]}
 * @param bind how the user's password is checked
 * @param userDn {@link Bind#DIRECT}: what to bind as, with {@code {user}} standing for the login name:
 *     a DN template ({@code uid={user},ou=people,dc=school,dc=local}; the name is escaped as RFC 4514
 *     requires) or an Active Directory user principal ({@code {user}@school.local}); {@code null} in
 *     search mode
 * @param bindDn {@link Bind#SEARCH}: the service account that looks users up; {@code null} otherwise
 * @param bindPassword the service account's password (from {@code bind-password} or {@code
 *     bind-password-file}); {@code null} when there is no service account
 * @param baseDn where users are searched; {@code null} when not needed (direct bind with a DN template)
 * @param userFilter the search filter, {@code {user}} escaped as RFC 4515 requires
 * @param groupAttribute the user attribute listing the user's groups as DNs ({@code memberOf})
 * @param groupRoles group → role, in the order written; the first mapping whose group the user is a
 *     direct member of wins
 * @param defaultRoleWhenNoGroup the role of a user in no mapped group; {@code null} ({@code none}): such a
 *     user cannot log in
 * @param timeout the longest a whole login against the directory may take (connect, binds, search)
 * @param cacheMaxEntries how many login results are remembered
 * @param cacheTtl how long a successful login is remembered (a wrong password: 30 s at most)
 * @param whenDown what a login gets while the directory cannot be reached
 */
public record LdapSettings(
    String url,
    Bind bind,
    String userDn,
    String bindDn,
    String bindPassword,
    String baseDn,
    String userFilter,
    String groupAttribute,
    List<GroupRole> groupRoles,
    String defaultRoleWhenNoGroup,
    Duration timeout,
    int cacheMaxEntries,
    Duration cacheTtl,
    WhenDown whenDown) {

  /** The text that stands for the login name in {@code user-dn} and {@code user-filter}. */
  public static final String USER = "{user}";

  public LdapSettings {
    groupRoles = List.copyOf(groupRoles);
  }

  /** How a login's password is checked. */
  public enum Bind {
    /** Bind as {@code user-dn} with the login's password. */
    DIRECT,
    /** Bind as the service account, find the user's entry with {@code user-filter}, bind as its DN. */
    SEARCH
  }

  /** What a login gets while the directory is unreachable. */
  public enum WhenDown {
    /** The login fails (407): nobody browses unfiltered, nor as someone else. The default. */
    CLOSED,
    /** Any login is let in under {@code identity.default-role}, its user name unverified. */
    DEFAULT_ROLE
  }

  /** One {@code group-roles} entry. */
  public record GroupRole(String group, String role) {}

  /** Whether {@link #userDn} is a DN (else an Active Directory user principal such as {@code {user}@x}). */
  public boolean userDnIsDn() {
    return userDn != null && userDn.contains("=");
  }

  @Override
  public String toString() { // never log the service password
    return "LdapSettings[url=" + url + ", bind=" + bind + ", userDn=" + userDn + ", bindDn=" + bindDn
        + ", baseDn=" + baseDn + ", userFilter=" + userFilter + ", groupAttribute=" + groupAttribute
        + ", groupRoles=" + groupRoles + ", defaultRoleWhenNoGroup=" + defaultRoleWhenNoGroup
        + ", timeout=" + timeout + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheTtl=" + cacheTtl
        + ", whenDown=" + whenDown + "]";
  }
}
