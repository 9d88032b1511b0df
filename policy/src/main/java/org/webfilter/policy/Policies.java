package org.webfilter.policy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.categoriser.Categoriser;
import org.webfilter.categoriser.CategoryMap;
import org.webfilter.categoriser.Evidence;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.categoriser.ListProblem;
import org.webfilter.categoriser.PhraseScorer;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ListSource;
import org.webfilter.policy.config.RoleSettings.ListEntry;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.WebfilterConfig;

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
    Categoriser.Builder b = Categoriser.builder().hostCacheSize(config.lists().hostCacheSize());
    CategoryMap map = new CategoryMap(config.lists().categoryMap());
    ListLoader.Report total = new ListLoader.Report(0, 0, 0, List.of());
    for (var root : config.lists().roots()) {
      ListLoader.Report r = ListLoader.loadUt1Root(root, map, b);
      total = merge(total, r);
    }
    for (ListSource src : config.lists().sources()) {
      total = merge(total, load(src, b));
    }
    return new LoadedLists(b.build(), total);
  }

  /** One {@code lists.sources} entry, with the categoriser's loader for its format. */
  private static ListLoader.Report load(ListSource src, Categoriser.Builder b) {
    String c = src.category();
    return switch (src.format()) {
      case PLAIN -> ListLoader.loadDomains(src.path(), c, b);
      case HOSTS -> ListLoader.loadHosts(src.path(), c, b);
      case UT1 -> {
        ListLoader.Report r = new ListLoader.Report(0, 0, 1, List.of());
        Path domains = src.path().resolve("domains");
        Path urls = src.path().resolve("urls");
        Path expressions = src.path().resolve("expressions");
        if (Files.isRegularFile(domains)) {
          r = merge(r, ListLoader.loadDomains(domains, c, b));
        }
        if (Files.isRegularFile(urls)) {
          r = merge(r, ListLoader.loadUrls(urls, c, b));
        }
        if (Files.isRegularFile(expressions)) {
          r = merge(r, ListLoader.loadExpressions(expressions, c, b));
        }
        yield r;
      }
    };
  }

  /** The {@code lists.sources[i]} key a list file was named by, or empty (a root's file). */
  static String keyOf(WebfilterConfig config, String file) {
    for (ListSource src : config.lists().sources()) {
      String p = src.path().toString();
      if (file.equals(p) || file.startsWith(p + "/")) {
        return src.key();
      }
    }
    return "";
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
   * @throws ConfigException when a user in the store has a role that does not exist, or an allow entry
   *     (a role's own, a curated allow-list's, or a time rule's) is categorised {@code illegal} by the
   *     loaded lists: nothing may override the illegal tier (SPEC §2)
   */
  public static Policy build(WebfilterConfig config, Categoriser lists, UserStore users) throws ConfigException {
    Map<String, CompiledRole> roles = new LinkedHashMap<>();
    for (RoleSettings r : config.roles().values()) {
      roles.put(r.name(), new CompiledRole(r, config.calendar()));
    }
    Set<ConfigError> errors = new LinkedHashSet<>(illegalAllowEntries(config, lists));
    for (User u : users.all()) {
      if (!roles.containsKey(u.role())) {
        errors.add(new ConfigError(config.usersFile().toString(), 0, "users." + u.name() + ".role",
            "unknown role '" + u.role() + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(List.copyOf(errors));
    }
    return new ConfiguredPolicy(lists, roles, config.identity(), users, phrases(config));
  }

  /**
   * The weighted phrase lists next to the configuration ({@code phrases/<language>/<category>.weighted}),
   * scored against search terms and URL text for roles with a {@code phrase-threshold}.
   *
   * @throws ConfigException naming file and line of every unusable phrase line
   */
  static PhraseScorer phrases(WebfilterConfig config) throws ConfigException {
    PhraseScorer.Builder b = PhraseScorer.builder();
    Path root = config.file().toAbsolutePath().getParent().resolve("phrases");
    List<ConfigError> errors = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (var languages = Files.list(root)) {
        for (Path language : languages.filter(Files::isDirectory).sorted().toList()) {
          for (ListProblem p : b.addLanguageFolder(language)) {
            errors.add(new ConfigError(p.file(), p.line(), "", p.message()));
          }
        }
      } catch (IOException e) {
        errors.add(new ConfigError(root.toString(), 0, "", "cannot read: " + e.getMessage()));
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return b.build();
  }

  /** Allow entries whose own host or URL the loaded lists put in {@code illegal}. */
  private static List<ConfigError> illegalAllowEntries(WebfilterConfig config, Categoriser lists) {
    List<ConfigError> errors = new ArrayList<>();
    for (RoleSettings r : config.roles().values()) {
      List<ListEntry> allow = new ArrayList<>(r.allow());
      allow.addAll(r.allowListEntries());
      r.timeRules().forEach(t -> allow.addAll(t.allow()));
      for (ListEntry e : allow) {
        if (e.isRegex()) {
          continue; // names no single site: checked against the illegal lists by ConfigLoader
        }
        String path = e.isUrl() ? e.value().substring(e.value().indexOf('/')) : "";
        Target t;
        try {
          t = new Target(e.host(), e.isUrl() ? 80 : 443, path);
        } catch (IllegalArgumentException bad) {
          continue; // validated by ConfigLoader
        }
        for (Evidence ev : lists.categorise(t).evidence()) {
          if (Categories.ILLEGAL.equals(ev.category())) {
            errors.add(new ConfigError(e.file(), e.line(), e.key(),
                "'" + e.value() + "' is in the illegal category (" + ev.entry() + ", " + ev.source()
                    + "); an allow entry must not touch the illegal tier"));
            break;
          }
        }
      }
    }
    return errors;
  }
}
