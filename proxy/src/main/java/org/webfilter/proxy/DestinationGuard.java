package org.webfilter.proxy;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves upstream host names, and refuses internal destinations so the proxy is no relay into the
 * school's network nor into the proxy machine itself (its UI, its Kafka, its own port). Hosts in
 * {@code proxy.resolve} map to their configured IP and are trusted even when internal.
 *
 * <p>Names go to the system resolver, which may block: callers run {@link #resolve} on the proxy's
 * resolver threads, never on an event loop.
 */
final class DestinationGuard {
  private final Map<String, InetAddress> overrides;
  private final Set<InetAddress> ownAddresses;

  DestinationGuard(Map<String, String> resolve, Set<InetAddress> ownAddresses) {
    Map<String, InetAddress> m = new HashMap<>();
    resolve.forEach(
        (host, ip) -> {
          InetAddress a = literal(ip);
          if (a == null) {
            throw new IllegalArgumentException(
                "proxy.resolve: " + host + "=" + ip + " (expected an IP address)");
          }
          m.put(normalise(host), a);
        });
    this.overrides = Map.copyOf(m);
    this.ownAddresses = Set.copyOf(ownAddresses);
  }

  /** A guard that also refuses every address of this machine's network interfaces. */
  static DestinationGuard forThisMachine(Map<String, String> resolve) {
    Set<InetAddress> own = new HashSet<>();
    try {
      for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        own.addAll(Collections.list(nif.getInetAddresses()));
      }
    } catch (SocketException e) {
      // loopback and private ranges are refused anyway; a public address of ours may slip through
    }
    return new DestinationGuard(resolve, own);
  }

  InetSocketAddress resolve(String host, int port) throws UnknownHostException {
    String h = normalise(host);
    InetAddress override = overrides.get(h);
    if (override != null) {
      return new InetSocketAddress(override, port);
    }
    for (InetAddress a : InetAddress.getAllByName(h)) {
      if (isAllowed(a)) {
        // connect to exactly the address we checked (no second lookup, no DNS rebinding)
        return new InetSocketAddress(a, port);
      }
    }
    throw new UnknownHostException(h + ": internal addresses are not reachable through the proxy");
  }

  /**
   * Whether a request to {@code host} must be refused before any lookup: an IP literal in an
   * internal range that {@code proxy.resolve} does not list.
   */
  boolean refusesLiteral(String host) {
    String h = normalise(host);
    if (overrides.containsKey(h)) {
      return false;
    }
    InetAddress a = literal(h);
    return a != null && !isAllowed(a);
  }

  /** Public unicast addresses that are not this machine's. */
  boolean isAllowed(InetAddress a) {
    if (a.isAnyLocalAddress()
        || a.isLoopbackAddress()
        || a.isLinkLocalAddress()
        || a.isSiteLocalAddress()
        || a.isMulticastAddress()
        || ownAddresses.contains(a)) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 // "this network"
          && !(first == 100 && second >= 64 && second < 128) // carrier-grade NAT, often internal
          && !(first == 198 && (second == 18 || second == 19)) // benchmarking
          && first < 240; // reserved and broadcast
    }
    if (a instanceof Inet6Address) {
      return (b[0] & 0xfe) != 0xfc; // unique local fc00::/7
    }
    return false;
  }

  private static InetAddress literal(String host) {
    return NetUtil.createInetAddressFromIpAddressString(host);
  }

  private static String normalise(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h;
  }
}
