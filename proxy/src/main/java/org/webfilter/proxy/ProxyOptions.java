package org.webfilter.proxy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.UpstreamSettings;

/**
 * What the proxy enforces beyond the policy's decisions: which roles get the circumvention checks
 * and SafeSearch, which ports a tunnel may reach, and the limits that keep one client from hurting
 * the others. Start from {@link #defaults()} and change what differs; every value is checked here,
 * where it enters.
 *
 * @param restrictRole roles that get the circumvention checks: CONNECT only to {@code connectPorts},
 *     TLS only inside a CONNECT to 443, no IP-literal destinations unless allow-listed, no
 *     well-known DNS-over-HTTPS resolvers (default: every role)
 * @param safeSearchRole roles whose search engines are sent to their SafeSearch endpoints (default:
 *     none)
 * @param connectPorts ports a CONNECT tunnel may reach, for restricted roles (default: 443)
 * @param maxRequestLine longest request line in bytes; longer gets 414 (default 8192)
 * @param maxHeaderBytes largest request head in bytes; larger gets 431 (default 16384)
 * @param maxHeaderCount most header fields in a request; more gets 431 (default 100)
 * @param maxConnectionsPerClient open connections one client address may hold; more get 429
 *     (default 256)
 * @param idleTimeout a connection (or tunnel) with no traffic either way is closed (default 70 s)
 * @param headerTimeout a request head, or a tunnel's TLS ClientHello, must arrive within this time
 *     of its first byte (slowloris defence, default 10 s)
 * @param connectTimeout for an upstream connection (default 15 s)
 * @param upstreamIdleKeep an idle upstream connection kept for longer is not reused (default 10 s;
 *     see {@link UpstreamPool})
 * @param upstreamIdlePerOrigin idle upstream connections kept per origin and event loop; more are
 *     closed, 0 keeps none (default 32)
 * @param interception TLS interception: which roles, the CA directory, the do-not-decrypt list
 *     (default: {@link TlsInterception#off()})
 */
public record ProxyOptions(
    Predicate<String> restrictRole,
    Predicate<String> safeSearchRole,
    Set<Integer> connectPorts,
    int maxRequestLine,
    int maxHeaderBytes,
    int maxHeaderCount,
    int maxConnectionsPerClient,
    Duration idleTimeout,
    Duration headerTimeout,
    Duration connectTimeout,
    Duration upstreamIdleKeep,
    int upstreamIdlePerOrigin,
    TlsInterception interception) {

  public ProxyOptions {
    Objects.requireNonNull(restrictRole, "restrictRole");
    Objects.requireNonNull(safeSearchRole, "safeSearchRole");
    connectPorts = Set.copyOf(connectPorts);
    for (int p : connectPorts) {
      check(p >= 1 && p <= 65535, "connectPorts", p, "1-65535");
    }
    check(maxRequestLine >= 256, "maxRequestLine", maxRequestLine, ">= 256");
    check(maxHeaderBytes >= 1024, "maxHeaderBytes", maxHeaderBytes, ">= 1024");
    check(maxHeaderCount >= 8, "maxHeaderCount", maxHeaderCount, ">= 8");
    check(maxConnectionsPerClient >= 1, "maxConnectionsPerClient", maxConnectionsPerClient, ">= 1");
    positive(idleTimeout, "idleTimeout");
    positive(headerTimeout, "headerTimeout");
    positive(connectTimeout, "connectTimeout");
    positive(upstreamIdleKeep, "upstreamIdleKeep");
    check(upstreamIdlePerOrigin >= 0, "upstreamIdlePerOrigin", upstreamIdlePerOrigin, ">= 0");
    Objects.requireNonNull(interception, "interception");
  }

  /**
   * The defaults documented on each component; limits and pool sizes are those of the
   * configuration ({@link ProxyLimits#DEFAULTS}, {@link UpstreamSettings#DEFAULTS}).
   */
  public static ProxyOptions defaults() {
    ProxyLimits l = ProxyLimits.DEFAULTS;
    UpstreamSettings u = UpstreamSettings.DEFAULTS;
    return new ProxyOptions(
        role -> true,
        role -> false,
        Set.of(443),
        l.maxRequestLine(),
        l.maxHeaderBytes(),
        l.maxHeaderCount(),
        l.maxConnectionsPerClient(),
        l.idleTimeout(),
        l.headerTimeout(),
        l.connectTimeout(),
        u.idleKeep(),
        u.idlePerOrigin(),
        TlsInterception.off());
  }

  /** The {@code proxy.limits} of the configuration. */
  public ProxyOptions withLimits(ProxyLimits l) {
    return withLimits(l.maxRequestLine(), l.maxHeaderBytes(), l.maxHeaderCount())
        .withMaxConnectionsPerClient(l.maxConnectionsPerClient())
        .withTimeouts(l.idleTimeout(), l.headerTimeout(), l.connectTimeout());
  }

  /** The {@code proxy.upstream} settings of the configuration. */
  public ProxyOptions withUpstreamPool(UpstreamSettings u) {
    return withUpstreamPool(u.idleKeep(), u.idlePerOrigin());
  }

  public ProxyOptions withUpstreamPool(Duration idleKeep, int idlePerOrigin) {
    return new ProxyOptions(
        restrictRole, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout, idleKeep, idlePerOrigin,
        interception);
  }

  public ProxyOptions withRestrictRole(Predicate<String> p) {
    return new ProxyOptions(
        p, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout,
        upstreamIdleKeep, upstreamIdlePerOrigin, interception);
  }

  public ProxyOptions withSafeSearchRole(Predicate<String> p) {
    return new ProxyOptions(
        restrictRole, p, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout,
        upstreamIdleKeep, upstreamIdlePerOrigin, interception);
  }

  public ProxyOptions withConnectPorts(Set<Integer> ports) {
    return new ProxyOptions(
        restrictRole, safeSearchRole, ports, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout,
        upstreamIdleKeep, upstreamIdlePerOrigin, interception);
  }

  public ProxyOptions withLimits(int maxRequestLine, int maxHeaderBytes, int maxHeaderCount) {
    return new ProxyOptions(
        restrictRole, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout,
        upstreamIdleKeep, upstreamIdlePerOrigin, interception);
  }

  public ProxyOptions withMaxConnectionsPerClient(int n) {
    return new ProxyOptions(
        restrictRole, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        n, idleTimeout, headerTimeout, connectTimeout,
        upstreamIdleKeep, upstreamIdlePerOrigin, interception);
  }

  public ProxyOptions withTimeouts(Duration idle, Duration header, Duration connect) {
    return new ProxyOptions(
        restrictRole, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idle, header, connect, upstreamIdleKeep, upstreamIdlePerOrigin,
        interception);
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
    return new ProxyOptions(
        restrictRole, safeSearchRole, connectPorts, maxRequestLine, maxHeaderBytes, maxHeaderCount,
        maxConnectionsPerClient, idleTimeout, headerTimeout, connectTimeout, upstreamIdleKeep,
        upstreamIdlePerOrigin, t);
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

  private static void check(boolean ok, String key, Object value, String expected) {
    if (!ok) {
      throw new IllegalArgumentException(
          "proxy." + key + ": " + value + " (expected: " + expected + ")");
    }
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    check(!d.isNegative() && !d.isZero(), key, d, "a positive duration");
  }
}
