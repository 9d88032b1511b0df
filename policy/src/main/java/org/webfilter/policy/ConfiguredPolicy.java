package org.webfilter.policy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.webfilter.categoriser.Categorisation;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.Evidence;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.IdentitySettings;
import org.webfilter.policy.config.IdentitySettings.NetworkRole;
import org.webfilter.policy.config.RoleSettings;

/** The policy built from a validated configuration and loaded lists. Immutable apart from the user store. */
final class ConfiguredPolicy implements Policy {
  static final String ALLOW = "allow";
  static final String BLOCK = "block";

  private final Categoriser lists;
  private final Map<String, CompiledRole> roles;
  private final List<NetworkRole> networksMostSpecificFirst;
  private final IdentitySettings identity;
  private final UserStore users;

  ConfiguredPolicy(
      Categoriser lists, Map<String, CompiledRole> roles, IdentitySettings identity, UserStore users) {
    this.lists = lists;
    this.roles = Map.copyOf(roles);
    this.identity = identity;
    this.users = users;
    this.networksMostSpecificFirst =
        identity.networks().stream()
            .sorted(Comparator.comparingInt((NetworkRole n) -> n.network().prefixLength()).reversed())
            .toList();
  }

  /** A role's settings with its allow/block entries compiled into a matcher. */
  record CompiledRole(RoleSettings settings, Categoriser explicit) {}

  @Override
  public Identification identify(InetAddress client, Credentials credentials) {
    if (credentials != null) {
      Optional<User> user = users.authenticate(credentials.user(), credentials.password());
      if (user.isEmpty() || !roles.containsKey(user.get().role())) {
        return new Identification.LoginFailed(credentials.user());
      }
      return new Identification.Identified(new Identity(user.get().name(), user.get().role(), "login"));
    }
    for (Cidr c : identity.loginRequired()) {
      if (c.contains(client)) {
        return new Identification.LoginRequired();
      }
    }
    for (NetworkRole n : networksMostSpecificFirst) {
      if (n.network().contains(client)) {
        return new Identification.Identified(new Identity(null, n.role(), "network " + n.network()));
      }
    }
    return new Identification.Identified(new Identity(null, identity.defaultRole(), "default"));
  }

  @Override
  public boolean hasRole(String role) {
    return roles.containsKey(role);
  }

  @Override
  public Decision decide(String role, Target target, Instant at) {
    Categorisation found = lists.categorise(target);
    Set<String> categories = found.categories();
    List<String> trace = new ArrayList<>();
    for (Evidence e : found.evidence()) {
      trace.add("category " + e.category() + ": " + describe(e));
    }
    CompiledRole r = roles.get(role);
    if (r == null) { // fail closed: an unknown role must never browse unfiltered
      trace.add("role '" + role + "' is not defined: blocked");
      return new Decision(Verdict.BLOCK, "policy.unknown-role", "unknown role " + role, "policy", categories, trace);
    }

    // 1. illegal: always blocked, nothing overrides it
    if (categories.contains(Categories.ILLEGAL)) {
      trace.add("1. illegal content is always blocked: decided (no allow entry can override this)");
      return new Decision(Verdict.BLOCK, "illegal", "illegal content is always blocked",
          Categories.ILLEGAL, categories, trace);
    }
    trace.add("1. not in the illegal category");

    // 2. the role's explicit entries: most specific wins
    Optional<Evidence> explicit =
        r.explicit().categorise(target).evidence().stream().max(Comparator.comparingLong(Evidence::specificity));
    if (explicit.isPresent()) {
      Evidence e = explicit.get();
      boolean allow = ALLOW.equals(e.category());
      String rule = role + "." + e.category() + ":" + e.entry();
      trace.add("2. " + e.category() + " entry of role " + role + " matches: " + describe(e)
          + " (the most specific explicit entry wins): decided");
      return allow
          ? new Decision(Verdict.ALLOW, rule, "on the allow list of role " + role, null, categories, trace)
          : new Decision(Verdict.BLOCK, rule, "on the block list of role " + role, "policy", categories, trace);
    }
    trace.add("2. no allow or block entry of role " + role + " matches");

    // 3. blocked categories
    for (String c : categories) {
      if (r.settings().blockedCategories().contains(c)) {
        trace.add("3. category " + c + " is blocked for role " + role + ": decided");
        return new Decision(Verdict.BLOCK, role + ".category." + c,
            "category " + c + " is blocked for role " + role, c, categories, trace);
      }
    }
    trace.add("3. no blocked category of role " + role + " matches");

    // 4. phrase score: not yet scored (weighted phrases come with the categoriser work)
    // 5. allow, flagged when a log-only category matched
    for (String c : categories) {
      if (r.settings().logOnlyCategories().contains(c)) {
        trace.add("5. allowed, but category " + c + " is logged for role " + role);
        return new Decision(Verdict.LOG, role + ".log." + c,
            "category " + c + " is allowed and logged for role " + role, null, categories, trace);
      }
    }
    trace.add("5. allowed: nothing blocks this request");
    return new Decision(Verdict.ALLOW, "default.allow", "no rule blocks this request", null, categories, trace);
  }

  private static String describe(Evidence e) {
    return (e.kind() == Evidence.Kind.URL ? "URL prefix " : "domain ") + e.entry() + " (" + e.source() + ")";
  }
}
