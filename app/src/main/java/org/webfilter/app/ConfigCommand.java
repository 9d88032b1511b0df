package org.webfilter.app;

import java.util.concurrent.Callable;
import org.webfilter.policy.config.WebfilterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code config validate}. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Work with the configuration.",
    subcommands = ConfigCommand.Validate.class)
final class ConfigCommand implements Runnable {
  @Override
  public void run() {
    throw new Main.UsageError("config: missing sub-command (try: config validate)");
  }

  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Load and validate the configuration, the lists and the users file; print every error. Exit 2 on any error.")
  static final class Validate implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Override
    public Integer call() {
      WebfilterConfig config = Loading.policy(options.config, options.overrides(), System.out).config();
      System.out.printf("configuration OK: %s (%d roles, %d list roots)%n",
          config.file(), config.roles().size(), config.lists().roots().size());
      return 0;
    }
  }
}
