package org.webfilter.policy.config;

import java.time.Duration;

/**
 * {@code proxy.limits:} what keeps one client from hurting the others. The proxy checks the same
 * bounds again where it takes them ({@code ProxyOptions}).
 *
 * @param maxRequestLine longest request line in bytes; longer gets 414
 * @param maxHeaderBytes largest request head in bytes; larger gets 431
 * @param maxHeaderCount most header fields in a request; more gets 431
 * @param maxConnectionsPerClient open connections one client address may hold; more get 429
 * @param idleTimeout a connection (or tunnel) with no traffic either way is closed
 * @param headerTimeout a request head, or a tunnel's TLS ClientHello, must arrive within this time
 * @param connectTimeout for a connection to a web site
 */
public record ProxyLimits(
    int maxRequestLine,
    int maxHeaderBytes,
    int maxHeaderCount,
    int maxConnectionsPerClient,
    Duration idleTimeout,
    Duration headerTimeout,
    Duration connectTimeout) {
  public static final ProxyLimits DEFAULTS =
      new ProxyLimits(
          8192, 16384, 100, 256, Duration.ofSeconds(70), Duration.ofSeconds(10), Duration.ofSeconds(15));
}
