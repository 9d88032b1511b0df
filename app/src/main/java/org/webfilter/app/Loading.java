package org.webfilter.app;

import java.io.PrintStream;
import java.nio.file.Path;
import org.webfilter.categoriser.ListLoader;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.WebfilterConfig;

/** Loading steps shared by the commands, each turning bad input into a {@link Main.UsageError} naming file and line. */
final class Loading {
  private Loading() {}

  static WebfilterConfig config(Path file, ConfigOverrides overrides) {
    try {
      return ConfigLoader.load(file, overrides);
    } catch (ConfigException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }

  static UserStore users(WebfilterConfig config) {
    try {
      return UserStore.open(config.usersFile());
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError(e.getMessage());
    }
  }

  /** Loads configuration, every list root (with progress on {@code out}) and users, and builds the policy. */
  static PolicyLoader.Loaded policy(Path file, ConfigOverrides overrides, PrintStream out) {
    WebfilterConfig config = config(file, overrides);
    for (Path root : config.lists().roots()) {
      out.println("loading lists from " + root + " ...");
    }
    config.lists().sources().forEach(s ->
        out.println("loading " + s.format().key() + " list " + s.path() + " as " + s.category() + " ..."));
    long t0 = System.nanoTime();
    PolicyLoader.Loaded loaded;
    try {
      loaded = PolicyLoader.load(file, overrides);
    } catch (ConfigException e) {
      throw new Main.UsageError(e.getMessage());
    }
    ListLoader.Report r = loaded.lists();
    out.printf("loaded %,d domain and %,d URL entries in %d list folders, %d roles (%.1f s)%n",
        r.domains(), r.urls(), r.categories(), loaded.config().roles().size(), (System.nanoTime() - t0) / 1e9);
    return loaded;
  }
}
