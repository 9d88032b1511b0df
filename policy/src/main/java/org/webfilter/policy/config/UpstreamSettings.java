package org.webfilter.policy.config;

import java.time.Duration;

/**
 * {@code proxy.upstream:} idle keep-alive connections to web sites, kept for reuse.
 *
 * @param idleKeep a connection idle for longer is not reused (web sites close idle connections
 *     after 5-75 s, and a request sent on one being closed is lost)
 * @param idlePerOrigin idle connections kept per web site and event loop; more are closed (0 keeps
 *     none)
 */
public record UpstreamSettings(Duration idleKeep, int idlePerOrigin) {
  public static final UpstreamSettings DEFAULTS = new UpstreamSettings(Duration.ofSeconds(10), 32);
}
