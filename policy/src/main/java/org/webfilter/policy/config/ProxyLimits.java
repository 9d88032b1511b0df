package org.webfilter.policy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code proxy.limits:} what keeps one client from hurting the others. The bounds checked here are
 * the loosest any code may use; {@link ConfigLoader} reads the keys with tighter ones and reports a
 * value out of them with its file, line and key (then builds this record with the default), so a
 * value refused here comes from code, never from the configuration file.
 *
 * @param maxRequestLine longest request line in bytes; longer gets 414 (at least 256)
 * @param maxHeaderBytes largest request head in bytes; larger gets 431 (at least 1024)
 * @param maxHeaderCount most header fields in a request; more gets 431 (at least 8)
 * @param maxConnectionsPerClient open connections one client address may hold; more get 429 (at
 *     least 1)
 * @param idleTimeout a connection (or tunnel) with no traffic either way is closed
 * @param headerTimeout a request head, or a tunnel's TLS ClientHello, must arrive within this time
 *     of its first byte (slowloris defence)
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

  public ProxyLimits {
    atLeast(maxRequestLine, 256, "maxRequestLine");
    atLeast(maxHeaderBytes, 1024, "maxHeaderBytes");
    atLeast(maxHeaderCount, 8, "maxHeaderCount");
    atLeast(maxConnectionsPerClient, 1, "maxConnectionsPerClient");
    positive(idleTimeout, "idleTimeout");
    positive(headerTimeout, "headerTimeout");
    positive(connectTimeout, "connectTimeout");
  }

  private static void atLeast(int value, int min, String name) {
    if (value < min) {
      throw new IllegalArgumentException(
          "proxy.limits." + name + ": " + value + " (expected: >= " + min + ")");
    }
  }

  private static void positive(Duration d, String name) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(
          "proxy.limits." + name + ": " + d + " (expected: a positive duration)");
    }
  }
}
