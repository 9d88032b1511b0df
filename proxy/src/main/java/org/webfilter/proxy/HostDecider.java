package org.webfilter.proxy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Policy;
import org.webfilter.policy.Verdict;

/**
 * The policy's decision, tightened by the proxy's circumvention rules for restricted roles. The
 * policy goes first, so its blocks (and {@code illegal}) keep their own rule ids; the proxy only
 * turns an allow into a block, never the other way round.
 */
final class HostDecider {
  private final Predicate<String> restricted;

  HostDecider(Predicate<String> restrictRole) {
    this.restricted = restrictRole;
  }

  boolean restricts(String role) {
    return restricted.test(role);
  }

  /**
   * @param checkIpLiteral false for a CONNECT to an IP, whose TLS server name is decided later
   */
  Decision decide(Policy policy, String role, Target t, Instant at, boolean checkIpLiteral) {
    Decision d = policy.decide(role, t, at);
    if (d.blocked() || !restricted.test(role)) {
      return d;
    }
    if (Circumvention.isDoh(t.host())) {
      return block(
          d,
          Circumvention.DOH_RULE,
          "DNS-over-HTTPS resolvers bypass the school's filtering",
          "circumvention: " + t.host() + " is a public DNS-over-HTTPS resolver");
    }
    if (checkIpLiteral && Circumvention.isIpLiteral(t.host()) && !allowListed(d)) {
      return ipLiteral(d, t.host());
    }
    return d;
  }

  /** A request to a bare IP address: refused unless the role's allow list names it. */
  static Decision ipLiteral(Decision d, String host) {
    return block(
        d,
        Circumvention.IP_LITERAL_RULE,
        "web sites must be visited by name, not by IP address",
        "circumvention: " + host + " is an IP address and not on the allow list");
  }

  /**
   * Whether an explicit allow entry decided: the policy names those rules {@code
   * <role>.allow:<entry>} (STYLE 12: rule ids are stable).
   */
  static boolean allowListed(Decision d) {
    return !d.blocked() && d.rule() != null && d.rule().contains(".allow:");
  }

  /**
   * A tunnel whose TLS server name differs from its CONNECT host (domain fronting): both names are
   * decided and the stricter decision applies, at least {@code LOG} so the attempt is flagged.
   */
  static Decision fronting(Decision connect, Decision sni, String connectHost, String sniName) {
    Decision strict = rank(sni.verdict()) >= rank(connect.verdict()) ? sni : connect;
    Verdict v = strict.verdict() == Verdict.ALLOW ? Verdict.LOG : strict.verdict();
    Set<String> categories = new HashSet<>(connect.categories());
    categories.addAll(sni.categories());
    List<String> trace = new ArrayList<>();
    trace.add(
        "circumvention: TLS server name " + sniName + " differs from CONNECT host " + connectHost);
    connect.trace().forEach(s -> trace.add("CONNECT " + connectHost + ": " + s));
    sni.trace().forEach(s -> trace.add("server name " + sniName + ": " + s));
    trace.add("the stricter decision applies: " + strict.rule());
    return new Decision(
        v,
        Circumvention.FRONTING_RULE,
        "TLS server name differs from the CONNECT host (" + strict.rule() + ")",
        strict.blockedCategory(),
        categories,
        trace);
  }

  static Decision block(Decision d, String rule, String reason, String step) {
    Set<String> categories = new HashSet<>(d.categories());
    categories.add(Circumvention.CATEGORY);
    List<String> trace = new ArrayList<>(d.trace());
    trace.add(step);
    return new Decision(Verdict.BLOCK, rule, reason, Circumvention.CATEGORY, categories, trace);
  }

  private static int rank(Verdict v) {
    return switch (v) {
      case ALLOW -> 0;
      case LOG -> 1;
      case BLOCK -> 2;
    };
  }
}
