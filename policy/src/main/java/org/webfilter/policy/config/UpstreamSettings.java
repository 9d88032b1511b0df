package org.webfilter.policy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code proxy.upstream:} idle keep-alive connections to web sites, kept for reuse. As with {@link
 * ProxyLimits}, {@link ConfigLoader} reports a value out of range with its file, line and key; the
 * checks here hold for values built in code.
 *
 * @param idleKeep a connection idle for longer is not reused (web sites close idle connections
 *     after 5-75 s, and a request sent on one being closed is lost); positive
 * @param idlePerOrigin idle connections kept per web site and event loop; more are closed (0 keeps
 *     none)
 */
public record UpstreamSettings(Duration idleKeep, int idlePerOrigin) {
  public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Duration.ofSeconds(10), 32);

  public UpstreamSettings {
    Objects.requireNonNull(idleKeep, "idleKeep");
    if (idleKeep.isNegative() || idleKeep.isZero()) {
      throw new IllegalArgumentException(
          "proxy.upstream.idleKeep: " + idleKeep + " (expected: a positive duration)");
    }
    if (idlePerOrigin < 0) {
      throw new IllegalArgumentException(
          "proxy.upstream.idlePerOrigin: " + idlePerOrigin + " (expected: >= 0)");
    }
  }
}
