package org.webfilter.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Identity;
import org.webfilter.policy.Policy;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.WebfilterConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code check}: the decision for one request, without starting any server. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Print the decision, categories, matched rule and reason trace for one URL or host.%n"
        + "Without --role, --user or --ip the default role (identity.default-role) is used.")
final class CheckCommand implements Callable<Integer> {
  @Mixin ServerOptions options;

  @Parameters(paramLabel = "URL-or-HOST", description = "e.g. https://mail.google.com/ or mail.google.com")
  String url;

  @ArgGroup(exclusive = true)
  Who who = new Who();

  static final class Who {
    @Option(names = "--role", description = "judge as this policy role") String role;
    @Option(names = "--user", description = "judge as this user's role") String user;
    @Option(names = "--ip", description = "judge as a client at this address (network rules)") String ip;
  }

  @Option(names = "--at", paramLabel = "TIME", description = "judge at this instant (ISO-8601, e.g. 2026-11-23T10:15:00Z)")
  String at;

  @Option(names = "--json", description = "print JSON instead of text")
  boolean json;

  @Override
  public Integer call() throws Exception {
    WebfilterConfig config = options.load();
    Target target;
    try {
      target = url.contains("://") ? Target.parse(url) : Target.parse("http://" + url + "/");
    } catch (IllegalArgumentException e) {
      throw new Main.UsageError("URL-or-HOST: " + e.getMessage());
    }
    Instant when;
    try {
      when = at == null ? Instant.now() : Instant.parse(at);
    } catch (DateTimeParseException e) {
      throw new Main.UsageError("--at " + at + " (expected ISO-8601 such as 2026-11-23T10:15:00Z)");
    }
    PolicyLoader.Loaded loaded =
        Loading.policy(options.config, options.overrides(), new PrintStream(OutputStream.nullOutputStream()));
    UserStore users = loaded.users();
    Policy policy = loaded.policy();
    Identity identity = identity(config, policy, users);
    Decision d = policy.decide(identity.role(), target, when);
    print(System.out, target, identity, d);
    return 0;
  }

  private Identity identity(WebfilterConfig config, Policy policy, UserStore users) throws Exception {
    if (who.role != null) {
      if (!policy.hasRole(who.role)) {
        throw new Main.UsageError("--role " + who.role + ": no such role (roles: " + new TreeSet<>(config.roles().keySet()) + ")");
      }
      return new Identity(null, who.role, "--role");
    }
    if (who.user != null) {
      User u = users.find(who.user).orElseThrow(() -> new Main.UsageError("--user " + who.user + ": no such user in " + config.usersFile()));
      return new Identity(u.name(), u.role(), "user " + u.name());
    }
    if (who.ip != null) {
      if (!who.ip.matches("[0-9a-fA-F:.]+")) {
        throw new Main.UsageError("--ip " + who.ip + " (expected an IP address)");
      }
      if (policy.identify(InetAddress.getByName(who.ip), null) instanceof Identification.Identified i) {
        return i.identity();
      }
      throw new Main.UsageError("--ip " + who.ip + ": this network must log in; use --user");
    }
    return new Identity(null, config.identity().defaultRole(), "default");
  }

  private void print(PrintStream out, Target target, Identity identity, Decision d) throws Exception {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("url", target.display(target.port() == 443 ? "https" : "http"));
      m.put("user", identity.user());
      m.put("role", identity.role());
      m.put("roleFrom", identity.via());
      m.put("decision", d.verdict().name());
      m.put("categories", new TreeSet<>(d.categories()));
      m.put("rule", d.rule());
      m.put("reason", d.reason());
      m.put("blockedCategory", d.blockedCategory());
      m.put("trace", d.trace());
      out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(m));
      return;
    }
    out.println("url        " + target.display(target.port() == 443 ? "https" : "http"));
    out.println("role       " + identity.role() + " (" + identity.via() + ")");
    out.println("decision   " + d.verdict());
    out.println("categories " + (d.categories().isEmpty() ? "-" : String.join(", ", new TreeSet<>(d.categories()))));
    out.println("rule       " + d.rule());
    out.println("reason     " + d.reason());
    out.println("trace");
    d.trace().forEach(t -> out.println("  " + t));
  }
}
