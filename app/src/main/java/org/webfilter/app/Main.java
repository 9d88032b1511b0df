package org.webfilter.app;

import picocli.CommandLine;

/** Entry point of {@code ./webfilter}. Exit codes: 0 success, 2 usage or configuration error, 1 other failure. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    CommandLine cli = new CommandLine(new WebfilterCommand());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          if (e instanceof UsageError u) {
            cmd.getErr().println("webfilter: " + u.getMessage());
            return 2;
          }
          cmd.getErr().println("webfilter: " + e);
          e.printStackTrace(cmd.getErr());
          return 1;
        });
    cli.setParameterExceptionHandler(
        (e, a) -> {
          e.getCommandLine().getErr().println("webfilter: " + e.getMessage());
          e.getCommandLine().usage(e.getCommandLine().getErr());
          return 2;
        });
    return cli.execute(args);
  }

  /** A problem the operator must fix (bad flag value, invalid configuration): exit code 2. */
  static final class UsageError extends RuntimeException {
    UsageError(String message) {
      super(message);
    }
  }
}
