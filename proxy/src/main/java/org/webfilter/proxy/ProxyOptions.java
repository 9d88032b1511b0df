package org.webfilter.proxy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.UpstreamSettings;

/**
 * What the proxy enforces beyond the policy's decisions: which roles get the circumvention checks
 * and SafeSearch, which ports a tunnel may reach, the limits that keep one client from hurting the
 * others, and how idle upstream connections are kept. Start from {@link #defaults()} and change
 * what differs. The limits and the upstream pool are the configuration's own records, which check
 * their values where they are made; the ports are checked here.
 *
 * @param restrictRole roles that get the circumvention checks: CONNECT only to {@code connectPorts},
 *     TLS only inside a CONNECT to 443, no IP-literal destinations unless allow-listed, no
 *     well-known DNS-over-HTTPS resolvers (default: every role)
 * @param safeSearchRole roles whose search engines are sent to their SafeSearch endpoints (default:
 *     none)
 * @param connectPorts ports a CONNECT tunnel may reach, for restricted roles (default: 443)
 * @param limits request sizes, connections per client address and timeouts (default: {@link
 *     ProxyLimits#DEFAULTS}; see {@link ClientGuard})
 * @param upstream idle upstream connections kept for reuse (default: {@link
 *     UpstreamSettings#DEFAULTS}; see {@link UpstreamPool})
 * @param interception TLS interception: which roles, the CA directory, the do-not-decrypt list
 *     (default: {@link TlsInterception#off()})
 */
public record ProxyOptions(
    Predicate<String> restrictRole,
    Predicate<String> safeSearchRole,
    Set<Integer> connectPorts,
    ProxyLimits limits,
    UpstreamSettings upstream,
    TlsInterception interception) {

  public ProxyOptions {
    Objects.requireNonNull(restrictRole, "restrictRole");
    Objects.requireNonNull(safeSearchRole, "safeSearchRole");
    connectPorts = Set.copyOf(connectPorts);
    for (int p : connectPorts) {
      if (p < 1 || p > 65535) {
        throw new IllegalArgumentException("proxy.connectPorts: " + p + " (expected: 1-65535)");
      }
    }
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(upstream, "upstream");
    Objects.requireNonNull(interception, "interception");
  }

  /** The defaults documented on each component. */
  public static ProxyOptions defaults() {
    return new ProxyOptions(
        role -> true,
        role -> false,
        Set.of(443),
        ProxyLimits.DEFAULTS,
        UpstreamSettings.DEFAULTS,
        TlsInterception.off());
  }

  public ProxyOptions withRestrictRole(Predicate<String> p) {
    return new ProxyOptions(p, safeSearchRole, connectPorts, limits, upstream, interception);
  }

  public ProxyOptions withSafeSearchRole(Predicate<String> p) {
    return new ProxyOptions(restrictRole, p, connectPorts, limits, upstream, interception);
  }

  public ProxyOptions withConnectPorts(Set<Integer> ports) {
    return new ProxyOptions(restrictRole, safeSearchRole, ports, limits, upstream, interception);
  }

  /** The {@code proxy.limits} of the configuration, or limits a test sets. */
  public ProxyOptions withLimits(ProxyLimits l) {
    return new ProxyOptions(restrictRole, safeSearchRole, connectPorts, l, upstream, interception);
  }

  /** The {@code proxy.upstream} settings of the configuration. */
  public ProxyOptions withUpstream(UpstreamSettings u) {
    return new ProxyOptions(restrictRole, safeSearchRole, connectPorts, limits, u, interception);
  }

  /**
   * Turns TLS interception on for the roles {@code interceptRole} accepts (see {@link
   * TlsInterception}); the school CA is kept in {@code caDirectory}, created on first start.
   */
  public ProxyOptions withInterception(Path caDirectory, Predicate<String> interceptRole) {
    Objects.requireNonNull(caDirectory, "caDirectory");
    return withInterception(
        new TlsInterception(
            caDirectory, interceptRole, interception.doNotDecrypt(), interception.extraTrust()));
  }

  public ProxyOptions withInterception(TlsInterception t) {
    return new ProxyOptions(restrictRole, safeSearchRole, connectPorts, limits, upstream, t);
  }

  /** Hosts tunnelled undecrypted in addition to {@link TlsInterception#DEFAULT_DO_NOT_DECRYPT}. */
  public ProxyOptions withDoNotDecrypt(Set<String> hosts) {
    return withInterception(
        new TlsInterception(
            interception.caDirectory(), interception.role(), hosts, interception.extraTrust()));
  }

  /** Certificates trusted for upstream servers in addition to the system trust store. */
  public ProxyOptions withUpstreamTrust(Collection<X509Certificate> certificates) {
    return withInterception(
        new TlsInterception(
            interception.caDirectory(),
            interception.role(),
            interception.doNotDecrypt(),
            List.copyOf(certificates)));
  }
}
