package org.webfilter.proxy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Credentials;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Identity;
import org.webfilter.policy.Policy;
import org.webfilter.policy.Verdict;

/**
 * A stand-in for the real policy engine (built and tested in the policy module): loopback clients
 * are pupils, {@code staff}/{@code pw} logs in as staff, {@code blocked.test} is adult and blocked
 * for pupils, and so is any path under {@code /blocked/} (on any host, so a request inside an
 * intercepted tunnel can be blocked too), {@code logged.test} is chat and logged.
 */
class TestPolicy implements Policy {
  final AtomicBoolean loginRequired = new AtomicBoolean();

  @Override
  public Identification identify(InetAddress client, Credentials credentials) {
    if (credentials != null) {
      if (credentials.user().equals("staff") && credentials.password().equals("pw")) {
        return new Identification.Identified(new Identity("staff", "staff", "login"));
      }
      return new Identification.LoginFailed(credentials.user());
    }
    if (loginRequired.get()) {
      return new Identification.LoginRequired();
    }
    return new Identification.Identified(new Identity(null, "pupil", "network 127.0.0.0/8"));
  }

  @Override
  public Decision decide(String role, Target target, Instant at) {
    if (target.host().equals("blocked.test") || target.path().startsWith("/blocked/")) {
      if (role.equals("pupil")) {
        return new Decision(
            Verdict.BLOCK,
            "pupil.category.adult",
            "Adult sites are blocked for pupils",
            "adult",
            Set.of("adult", "dating"),
            List.of("categories: adult, dating", "pupil blocks adult <b>"));
      }
      return new Decision(
          Verdict.ALLOW, "default.allow", "allowed", null, Set.of("adult"), List.of("allow"));
    }
    if (target.host().equals("logged.test")) {
      return new Decision(
          Verdict.LOG, "pupil.log.chat", "chat is logged", null, Set.of("chat"), List.of());
    }
    return new Decision(
        Verdict.ALLOW, "default.allow", "allowed", null, Set.of(), List.of("allow"));
  }

  @Override
  public boolean hasRole(String role) {
    return role.equals("pupil") || role.equals("staff");
  }
}
