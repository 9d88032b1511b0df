package org.webfilter.policy;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.categoriser.ListProblem;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.WebfilterConfig;

/**
 * Loads everything a policy is made of — the configuration file, the lists it names, the users file —
 * into a {@link Policy}, or reports every problem found. A running product uses {@link #reload} so that a
 * bad edit is refused and the policy in force stays.
 *
 * <p>Loading reads files and may take seconds with large lists: call it off any event loop. Unusable
 * list lines are errors here (a file the school edits must not be half-applied).
 */
public final class PolicyLoader {
  private PolicyLoader() {}

  /** A loaded policy and what it was made from. */
  public record Loaded(WebfilterConfig config, Policy policy, UserStore users, ListLoader.Report lists) {}

  /**
   * Loads the configuration, its lists and its users, and builds the policy.
   *
   * @throws ConfigException with every problem found, each naming file, line and key
   */
  public static Loaded load(Path configFile, ConfigOverrides overrides) throws ConfigException {
    return load(configFile, overrides, null, Clock.systemUTC());
  }

  /**
   * As {@link #load(Path, ConfigOverrides)}, merging {@code edits} instead of the edits file ({@code
   * null}: read {@code <data-dir>/policy-edits.yaml}); {@code clock} decides which edited allow entries
   * have expired. The UI validates a proposed edit with this before writing it.
   *
   * @throws ConfigException with every problem found
   */
  public static Loaded load(Path configFile, ConfigOverrides overrides, PolicyEdits edits, Clock clock)
      throws ConfigException {
    WebfilterConfig config = ConfigLoader.load(configFile, overrides, edits, clock);
    List<ConfigError> errors = new ArrayList<>();
    UserStore users = null;
    try {
      users = UserStore.open(config.usersFile());
    } catch (IllegalArgumentException | UncheckedIOException e) {
      errors.add(new ConfigError(config.usersFile().toString(), 0, "", e.getMessage()));
    }
    Policies.LoadedLists lists = Policies.loadLists(config);
    for (ListProblem p : lists.report().problems()) {
      errors.add(new ConfigError(p.file(), p.line(), Policies.keyOf(config, p.file()), p.message()));
    }
    Policy policy = null;
    try {
      policy = Policies.build(config, lists.categoriser(), users == null ? UserStore.inMemory(List.of()) : users);
    } catch (ConfigException e) {
      errors.addAll(e.errors());
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new Loaded(config, policy, users, lists.report());
  }

  /**
   * Loads a new version and, only when it has no error, puts it in force in {@code holder}; otherwise the
   * policy in force stays.
   *
   * @return the errors of the refused version; empty when the new version is in force
   */
  public static List<ConfigError> reload(PolicyHolder holder, Path configFile, ConfigOverrides overrides) {
    try {
      holder.replace(load(configFile, overrides).policy());
      return List.of();
    } catch (ConfigException e) {
      return e.errors();
    }
  }
}
