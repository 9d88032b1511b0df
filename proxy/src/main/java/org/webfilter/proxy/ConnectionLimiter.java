package org.webfilter.proxy;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

/** Counts open connections per client address, so one client cannot take all of them. */
final class ConnectionLimiter {
  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();

  ConnectionLimiter(int max) {
    this.max = max;
  }

  /** Counts a new connection; false (and not counted) when the client already holds the maximum. */
  boolean acquire(InetAddress client) {
    boolean[] ok = {false};
    open.compute(
        client,
        (k, n) -> {
          int count = n == null ? 0 : n;
          if (count >= max) {
            return n;
          }
          ok[0] = true;
          return count + 1;
        });
    return ok[0];
  }

  void release(InetAddress client) {
    open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
  }

  int open(InetAddress client) {
    return open.getOrDefault(client, 0);
  }
}
