package org.webfilter.policy.config;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.webfilter.policy.Cidr;

/**
 * {@code proxy:} keys.
 *
 * @param bind address to listen on ({@code 0.0.0.0} by default)
 * @param port listen port (3128; 0 picks a free port)
 * @param allowedNetworks clients outside these get 403 (default: loopback and the private ranges)
 * @param resolve host name → IP overrides, like curl's {@code --resolve}; such hosts may be reached even
 *     when loopback or private
 * @param nodeName {@code proxyNode} in events (the host name by default)
 * @param connectPorts ports that roles with circumvention checks may CONNECT to ({@code [443]})
 * @param limits {@code proxy.limits} ({@link ProxyLimits#DEFAULTS})
 * @param upstream {@code proxy.upstream} ({@link UpstreamSettings#DEFAULTS})
 */
public record ProxySettings(
    String bind,
    int port,
    List<Cidr> allowedNetworks,
    Map<String, String> resolve,
    String nodeName,
    Set<Integer> connectPorts,
    ProxyLimits limits,
    UpstreamSettings upstream) {
  public static final Set<Integer> DEFAULT_CONNECT_PORTS = Set.of(443);

  public ProxySettings {
    allowedNetworks = List.copyOf(allowedNetworks);
    resolve = Map.copyOf(resolve);
    connectPorts = Set.copyOf(connectPorts);
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(upstream, "upstream");
  }

  /** Settings with the default limits and upstream pool. */
  public ProxySettings(
      String bind,
      int port,
      List<Cidr> allowedNetworks,
      Map<String, String> resolve,
      String nodeName,
      Set<Integer> connectPorts) {
    this(bind, port, allowedNetworks, resolve, nodeName, connectPorts, ProxyLimits.DEFAULTS,
        UpstreamSettings.DEFAULTS);
  }

  /** Settings with the default CONNECT ports. */
  public ProxySettings(
      String bind, int port, List<Cidr> allowedNetworks, Map<String, String> resolve, String nodeName) {
    this(bind, port, allowedNetworks, resolve, nodeName, DEFAULT_CONNECT_PORTS);
  }

  public boolean isAllowedClient(InetAddress client) {
    for (Cidr c : allowedNetworks) {
      if (c.contains(client)) {
        return true;
      }
    }
    return false;
  }
}
