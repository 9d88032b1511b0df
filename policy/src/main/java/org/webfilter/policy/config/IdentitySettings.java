package org.webfilter.policy.config;

import java.util.List;
import org.webfilter.policy.Cidr;

/**
 * {@code identity:} keys.
 *
 * @param defaultRole the role of a client no network rule matches
 * @param networks network → role rules; the most specific network wins
 * @param loginRequired clients in these networks must log in to the proxy (407 otherwise)
 */
public record IdentitySettings(String defaultRole, List<NetworkRole> networks, List<Cidr> loginRequired) {
  public IdentitySettings {
    networks = List.copyOf(networks);
    loginRequired = List.copyOf(loginRequired);
  }

  /** One {@code identity.networks} entry. */
  public record NetworkRole(Cidr network, String role) {}
}
