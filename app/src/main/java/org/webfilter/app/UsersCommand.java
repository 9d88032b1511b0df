package org.webfilter.app;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.WebfilterConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code users add}. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manage proxy and UI users.",
    subcommands = UsersCommand.Add.class)
final class UsersCommand implements Runnable {
  private static final int MIN_PASSWORD_LENGTH = 8;

  @Override
  public void run() {
    throw new Main.UsageError("users: missing sub-command (try: users add NAME --role R)");
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Add (or replace) a user. The password is read from standard input (one line).")
  static final class Add implements Callable<Integer> {
    @Mixin ServerOptions options;

    @Parameters(paramLabel = "NAME") String name;

    @Option(names = "--role", required = true, description = "policy role for the user's proxy requests")
    String role;

    @Option(names = "--ui-role", paramLabel = "dsl|ict|admin", description = "UI role (repeatable)")
    List<String> uiRoles = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      WebfilterConfig config = options.load();
      if (!config.roles().containsKey(role)) {
        throw new Main.UsageError("--role " + role + ": no such role (roles: " + new TreeSet<>(config.roles().keySet()) + ")");
      }
      if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
        throw new Main.UsageError("NAME " + name + " (expected 1-64 letters, digits, . _ @ -)");
      }
      Set<UiRole> ui = EnumSet.noneOf(UiRole.class);
      for (String r : uiRoles) {
        try {
          ui.add(UiRole.parse(r));
        } catch (IllegalArgumentException e) {
          throw new Main.UsageError("--ui-role: " + e.getMessage());
        }
      }
      String password = readPassword();
      if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
        throw new Main.UsageError("password: at least " + MIN_PASSWORD_LENGTH + " characters expected on standard input");
      }
      UserStore users = Loading.users(config);
      boolean replaced = users.find(name).isPresent();
      users.put(new User(name, role, ui, UserStore.hash(password)));
      System.out.println((replaced ? "updated" : "added") + " user " + name + " (role " + role + ", UI roles "
          + (ui.isEmpty() ? "none" : ui.stream().map(UiRole::id).toList()) + ") in " + config.usersFile());
      return 0;
    }

    private static String readPassword() throws IOException {
      Console console = System.console();
      if (console != null) {
        char[] pw = console.readPassword("password for the new user: ");
        return pw == null ? null : new String(pw);
      }
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
  }
}
