package org.webfilter.policy.config;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.config.LdapSettings.Bind;
import org.webfilter.policy.config.LdapSettings.GroupRole;
import org.webfilter.policy.config.LdapSettings.WhenDown;
import org.yaml.snakeyaml.nodes.Node;

/** Reads and validates {@code identity.ldap}; every key is declared here once with its default. */
final class LdapReader {
  static final String PATH = "identity.ldap";
  static final String DEFAULT_USER_FILTER = "(sAMAccountName={user})";
  static final String DEFAULT_GROUP_ATTRIBUTE = "memberOf";
  static final int DEFAULT_TIMEOUT_MS = 3000;
  static final int DEFAULT_CACHE_ENTRIES = 10_000;
  static final int DEFAULT_CACHE_TTL_SECONDS = 600;

  private static final Set<String> LDAP =
      Set.of("url", "bind", "user-dn", "bind-dn", "bind-password", "bind-password-file", "base-dn",
          "user-filter", "group-attribute", "group-roles", "default-role-when-no-group", "timeout-ms",
          "cache", "when-down");
  private static final Set<String> CACHE = Set.of("max-entries", "ttl-seconds");
  private static final Set<String> GROUP_ROLE = Set.of("group", "role");

  private LdapReader() {}

  /** The settings, or {@code null} when {@code identity.ldap} is absent. Problems go to {@code y}. */
  static LdapSettings read(YamlReader y, Node node, Set<String> roles, Path base) {
    if (node == null) {
      return null;
    }
    Map<String, Node> m = y.mapping(node, PATH, LDAP);
    String url = url(y, m.get("url"), node);

    Bind bind = null;
    String bindText = y.string(m.get("bind"), PATH + ".bind", null);
    if (bindText == null) {
      y.error(node, PATH + ".bind", "missing (expected: direct or search)");
    } else {
      switch (bindText.trim().toLowerCase(Locale.ROOT)) {
        case "direct" -> bind = Bind.DIRECT;
        case "search" -> bind = Bind.SEARCH;
        default -> y.error(m.get("bind"), PATH + ".bind", "'" + bindText + "' (expected: direct or search)");
      }
    }

    String userDn = y.string(m.get("user-dn"), PATH + ".user-dn", null);
    String bindDn = y.string(m.get("bind-dn"), PATH + ".bind-dn", null);
    String password = null;
    String baseDn = y.string(m.get("base-dn"), PATH + ".base-dn", null);
    String filter = y.string(m.get("user-filter"), PATH + ".user-filter", DEFAULT_USER_FILTER).trim();

    if (baseDn != null && !DN.isValidDN(baseDn)) {
      y.error(m.get("base-dn"), PATH + ".base-dn", "'" + baseDn + "' is not a DN (expected e.g. DC=school,DC=local)");
    }
    if (!filter.contains(LdapSettings.USER)) {
      y.error(m.get("user-filter"), PATH + ".user-filter", "'" + filter + "' does not contain {user}");
    } else {
      try {
        Filter.create(filter.replace(LdapSettings.USER, "x"));
      } catch (LDAPException e) {
        y.error(m.get("user-filter"), PATH + ".user-filter",
            "'" + filter + "' is not an LDAP filter (expected e.g. " + DEFAULT_USER_FILTER + ")");
      }
    }

    if (bind == Bind.DIRECT) {
      if (userDn == null) {
        y.error(node, PATH + ".user-dn",
            "missing (bind: direct needs e.g. '{user}@school.local' or 'uid={user},ou=people,dc=school,dc=local')");
      } else if (!userDn.contains(LdapSettings.USER)) {
        y.error(m.get("user-dn"), PATH + ".user-dn", "'" + userDn + "' does not contain {user}");
      } else if (userDn.contains("=") && !DN.isValidDN(userDn.replace(LdapSettings.USER, "x"))) {
        y.error(m.get("user-dn"), PATH + ".user-dn", "'" + userDn + "' is not a DN template");
      } else if (!userDn.contains("=") && baseDn == null) {
        y.error(node, PATH + ".base-dn",
            "missing (bind: direct with a user principal such as '" + userDn
                + "' finds the user's groups under base-dn with user-filter)");
      }
      notUsed(y, m, "bind-dn", "direct");
      notUsed(y, m, "bind-password", "direct");
      notUsed(y, m, "bind-password-file", "direct");
    } else if (bind == Bind.SEARCH) {
      password = password(y, m, base);
      if (bindDn == null) {
        y.error(node, PATH + ".bind-dn", "missing (bind: search needs the service account that looks users up)");
      } else if (!DN.isValidDN(bindDn)) {
        y.error(m.get("bind-dn"), PATH + ".bind-dn", "'" + bindDn + "' is not a DN");
      }
      if (password == null && !m.containsKey("bind-password-file")) {
        y.error(node, PATH + ".bind-password", "missing (bind: search needs bind-password or bind-password-file)");
      }
      if (baseDn == null) {
        y.error(node, PATH + ".base-dn", "missing (bind: search looks users up under it)");
      }
      notUsed(y, m, "user-dn", "search");
    }

    String attribute =
        y.string(m.get("group-attribute"), PATH + ".group-attribute", DEFAULT_GROUP_ATTRIBUTE).trim();
    if (!attribute.matches("[A-Za-z][A-Za-z0-9-]*")) {
      y.error(m.get("group-attribute"), PATH + ".group-attribute", "'" + attribute + "' is not an attribute name");
    }
    List<GroupRole> groupRoles = groupRoles(y, m.get("group-roles"), roles);
    String noGroup =
        y.string(m.get("default-role-when-no-group"), PATH + ".default-role-when-no-group", "none").trim();
    if (noGroup.equals("none")) {
      noGroup = null;
      if (y.itemsQuietly(m.get("group-roles")).isEmpty()) {
        y.error(node, PATH + ".group-roles",
            "missing (with default-role-when-no-group: none, no directory user could log in)");
      }
    } else if (!roles.isEmpty() && !roles.contains(noGroup)) {
      y.error(m.get("default-role-when-no-group"), PATH + ".default-role-when-no-group",
          "unknown role '" + noGroup + "' (expected: none or a role)");
    }
    int timeoutMs = y.integer(m.get("timeout-ms"), PATH + ".timeout-ms", DEFAULT_TIMEOUT_MS, 100, 60_000);
    Map<String, Node> cache = y.mapping(m.get("cache"), PATH + ".cache", CACHE);
    int entries =
        y.integer(cache.get("max-entries"), PATH + ".cache.max-entries", DEFAULT_CACHE_ENTRIES, 1, 1_000_000);
    int ttl = y.integer(cache.get("ttl-seconds"), PATH + ".cache.ttl-seconds", DEFAULT_CACHE_TTL_SECONDS, 1, 86_400);
    WhenDown whenDown = WhenDown.CLOSED;
    String down = y.string(m.get("when-down"), PATH + ".when-down", "closed").trim();
    switch (down) {
      case "closed" -> whenDown = WhenDown.CLOSED;
      case "default-role" -> whenDown = WhenDown.DEFAULT_ROLE;
      default -> y.error(m.get("when-down"), PATH + ".when-down", "'" + down + "' (expected: closed or default-role)");
    }
    return new LdapSettings(url, bind == null ? Bind.SEARCH : bind, bind == Bind.DIRECT ? userDn : null,
        bind == Bind.SEARCH ? bindDn : null, bind == Bind.SEARCH ? password : null, baseDn, filter, attribute,
        groupRoles, noGroup, Duration.ofMillis(timeoutMs), entries, Duration.ofSeconds(ttl), whenDown);
  }

  private static String url(YamlReader y, Node urlNode, Node ldapNode) {
    String url = y.string(urlNode, PATH + ".url", null);
    if (url == null) {
      y.error(ldapNode, PATH + ".url", "missing (expected e.g. ldaps://dc1.school.local:636)");
      return "ldap://invalid";
    }
    url = url.trim();
    String problem = null;
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
        problem = "scheme must be ldap or ldaps";
      } else if (u.getHost() == null) {
        problem = "no host name";
      } else if (u.getPort() == 0 || u.getPort() > 65535) {
        problem = "port must be 1-65535";
      } else if ((u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
          || u.getRawQuery() != null || u.getRawUserInfo() != null || u.getRawFragment() != null) {
        problem = "only scheme, host and port are used; put the base DN in base-dn";
      }
    } catch (URISyntaxException e) {
      problem = "not a URL";
    }
    if (problem != null) {
      y.error(urlNode, PATH + ".url", "'" + url + "': " + problem + " (expected e.g. ldaps://dc1.school.local:636)");
    }
    return url;
  }

  /** {@code bind-password} or the first line of {@code bind-password-file} (relative to the config). */
  private static String password(YamlReader y, Map<String, Node> m, Path base) {
    String inline = y.string(m.get("bind-password"), PATH + ".bind-password", null);
    String file = y.string(m.get("bind-password-file"), PATH + ".bind-password-file", null);
    if (inline != null && file != null) {
      y.error(m.get("bind-password-file"), PATH + ".bind-password-file",
          "give bind-password or bind-password-file, not both");
      return inline;
    }
    if (file == null) {
      return inline;
    }
    Path p = base.resolve(file.trim()).normalize();
    try {
      String text = Files.readString(p, StandardCharsets.UTF_8);
      int eol = text.indexOf('\n');
      String first = (eol < 0 ? text : text.substring(0, eol)).replace("\r", "");
      if (first.isEmpty()) {
        y.error(m.get("bind-password-file"), PATH + ".bind-password-file", p + " is empty");
        return null;
      }
      return first;
    } catch (IOException e) {
      y.error(m.get("bind-password-file"), PATH + ".bind-password-file",
          p + ": cannot read (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }

  private static List<GroupRole> groupRoles(YamlReader y, Node node, Set<String> roles) {
    List<GroupRole> out = new ArrayList<>();
    List<Node> items = y.sequence(node, PATH + ".group-roles");
    for (int i = 0; i < items.size(); i++) {
      String path = PATH + ".group-roles[" + i + "]";
      Map<String, Node> g = y.mapping(items.get(i), path, GROUP_ROLE);
      String group = y.string(g.get("group"), path + ".group", null);
      String role = y.string(g.get("role"), path + ".role", null);
      if (group == null || role == null) {
        y.error(items.get(i), path, "needs both 'group' and 'role'");
        continue;
      }
      boolean ok = true;
      if (!DN.isValidDN(group)) {
        y.error(g.get("group"), path + ".group",
            "'" + group + "' is not a DN (expected e.g. CN=Staff,OU=Groups,DC=school,DC=local)");
        ok = false;
      }
      if (!roles.isEmpty() && !roles.contains(role)) {
        y.error(g.get("role"), path + ".role", "unknown role '" + role + "'");
        ok = false;
      }
      if (ok) {
        out.add(new GroupRole(group.trim(), role.trim()));
      }
    }
    return out;
  }

  private static void notUsed(YamlReader y, Map<String, Node> m, String key, String mode) {
    if (m.containsKey(key)) {
      y.error(m.get(key), PATH + "." + key, "not used with bind: " + mode);
    }
  }
}
