package org.webfilter.policy;

import java.util.Set;

/**
 * A person who can log in to the proxy and/or the UI.
 *
 * @param name login name
 * @param role the policy role their proxy requests are judged under
 * @param uiRoles what they may do in the logs UI (empty: no UI access)
 * @param passwordHash bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$})
 */
public record User(String name, String role, Set<UiRole> uiRoles, String passwordHash) {
  public User {
    uiRoles = Set.copyOf(uiRoles);
  }

  public boolean hasUiRole(UiRole r) {
    return uiRoles.contains(r);
  }

  @Override
  public String toString() {
    return "User[" + name + ", role=" + role + ", uiRoles=" + uiRoles + "]";
  }
}
