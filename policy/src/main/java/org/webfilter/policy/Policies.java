package org.webfilter.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.categoriser.CategoryMap;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.categoriser.ListProblem;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.WebfilterConfig;
import org.webfilter.policy.ConfiguredPolicy.CompiledRole;

/** Builds a {@link Policy} from a validated configuration. */
public final class Policies {
  private Policies() {}

  /** The configured list roots, loaded in order, and what could not be used. */
  public record LoadedLists(Categoriser categoriser, ListLoader.Report report) {}

  /**
   * Loads every configured list root. Lines that cannot be used are reported, not fatal: third-party
   * lists always carry a little garbage, and one bad line must not take the filter down.
   */
  public static LoadedLists loadLists(WebfilterConfig config) {
    Categoriser.Builder b = Categoriser.builder();
    CategoryMap map = new CategoryMap(config.lists().categoryMap());
    ListLoader.Report total = new ListLoader.Report(0, 0, 0, List.of());
    for (var root : config.lists().roots()) {
      ListLoader.Report r = ListLoader.loadUt1Root(root, map, b);
      total = merge(total, r);
    }
    return new LoadedLists(b.build(), total);
  }

  private static ListLoader.Report merge(ListLoader.Report a, ListLoader.Report b) {
    List<ListProblem> problems = new ArrayList<>(a.problems());
    problems.addAll(b.problems());
    return new ListLoader.Report(a.domains() + b.domains(), a.urls() + b.urls(),
        a.categories() + b.categories(), problems);
  }

  /**
   * Builds the policy.
   *
   * @throws ConfigException when a user in the store has a role that does not exist
   */
  public static Policy build(WebfilterConfig config, Categoriser lists, UserStore users) throws ConfigException {
    Map<String, CompiledRole> roles = new LinkedHashMap<>();
    for (RoleSettings r : config.roles().values()) {
      roles.put(r.name(), new CompiledRole(r, explicitEntries(r)));
    }
    List<ConfigError> errors = new ArrayList<>();
    for (User u : users.all()) {
      if (!roles.containsKey(u.role())) {
        errors.add(new ConfigError(config.usersFile().toString(), 0, "users." + u.name() + ".role",
            "unknown role '" + u.role() + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new ConfiguredPolicy(lists, roles, config.identity(), users);
  }

  private static Categoriser explicitEntries(RoleSettings r) {
    Categoriser.Builder b = Categoriser.builder();
    add(b, ConfiguredPolicy.ALLOW, r.allow());
    add(b, ConfiguredPolicy.BLOCK, r.block());
    return b.build();
  }

  private static void add(Categoriser.Builder b, String kind, List<RoleSettings.ListEntry> entries) {
    for (RoleSettings.ListEntry e : entries) {
      int colon = e.source().lastIndexOf(':');
      String file = e.source().substring(0, colon);
      int line = Integer.parseInt(e.source().substring(colon + 1));
      String problem = e.isUrl() ? b.addUrl(kind, e.value(), file, line) : b.addDomain(kind, e.value(), file, line);
      if (problem != null) { // validated by ConfigLoader; reaching here is a bug
        throw new IllegalStateException(e.source() + ": " + problem);
      }
    }
  }
}
