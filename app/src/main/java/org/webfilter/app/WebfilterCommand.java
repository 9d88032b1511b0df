package org.webfilter.app;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code webfilter}: with no sub-command it behaves as {@code run}. */
@Command(
    name = "webfilter",
    mixinStandardHelpOptions = true,
    version = "webfilter 0.1.0",
    description = "Web-filtering and monitoring proxy for schools.%n"
        + "With no command, runs the all-in-one: proxy, logs UI and an embedded Kafka broker.",
    subcommands = {
      RunCommand.class,
      RunCommand.ProxyOnly.class,
      RunCommand.UiOnly.class,
      CheckCommand.class,
      ConfigCommand.class,
      UsersCommand.class,
      ListsCommand.class
    })
final class WebfilterCommand implements Callable<Integer> {
  @Mixin ServerOptions options;

  @Override
  public Integer call() throws Exception {
    RunCommand run = new RunCommand();
    run.options = options;
    return run.call();
  }
}
