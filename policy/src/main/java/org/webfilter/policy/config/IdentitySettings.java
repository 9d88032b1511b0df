package org.webfilter.policy.config;

import java.util.List;
import org.webfilter.policy.Cidr;

/**
 * {@code identity:} keys.
 *
 * @param defaultRole the role of a client no network rule matches
 * @param networks network → role rules; the most specific network wins
 * @param loginRequired clients in these networks must log in to the proxy (407 otherwise)
 * @param ldap proxy logins checked against a directory (after the users file); {@code null} when
 *     {@code identity.ldap} is not configured
 */
public record IdentitySettings(
    String defaultRole, List<NetworkRole> networks, List<Cidr> loginRequired, LdapSettings ldap) {
  public IdentitySettings {
    networks = List.copyOf(networks);
    loginRequired = List.copyOf(loginRequired);
  }

  /** Without a directory. */
  public IdentitySettings(String defaultRole, List<NetworkRole> networks, List<Cidr> loginRequired) {
    this(defaultRole, networks, loginRequired, null);
  }

  /** One {@code identity.networks} entry. */
  public record NetworkRole(Cidr network, String role) {}
}
