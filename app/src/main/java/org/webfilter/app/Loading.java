package org.webfilter.app;

import java.io.PrintStream;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.policy.Policies;
import org.webfilter.policy.Policy;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.WebfilterConfig;

/** Loading steps shared by the commands, each turning bad input into a {@link Main.UsageError} naming file and line. */
final class Loading {
  private static final int MAX_PROBLEMS_SHOWN = 200;

  private Loading() {}

  static UserStore users(WebfilterConfig config) {
    try {
      return UserStore.open(config.usersFile());
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }

  /** Loads every list root (with progress on {@code out}) and builds the policy. */
  static Policy policy(WebfilterConfig config, UserStore users, PrintStream out) {
    long t0 = System.nanoTime();
    for (var root : config.lists().roots()) {
      out.println("loading lists from " + root + " ...");
    }
    Policies.LoadedLists lists = Policies.loadLists(config);
    ListLoader.Report r = lists.report();
    out.printf("loaded %,d domain and %,d URL entries in %d list folders (%.1f s)%n",
        r.domains(), r.urls(), r.categories(), (System.nanoTime() - t0) / 1e9);
    if (!r.problems().isEmpty()) {
      StringBuilder sb = new StringBuilder(r.problems().size() + " unusable list line(s):");
      r.problems().stream().limit(MAX_PROBLEMS_SHOWN).forEach(p -> sb.append("\n  ").append(p));
      if (r.problems().size() > MAX_PROBLEMS_SHOWN) {
        sb.append("\n  ... and ").append(r.problems().size() - MAX_PROBLEMS_SHOWN).append(" more");
      }
      throw new Main.UsageError(sb.toString());
    }
    try {
      return Policies.build(config, lists.categoriser(), users);
    } catch (ConfigException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }

}
