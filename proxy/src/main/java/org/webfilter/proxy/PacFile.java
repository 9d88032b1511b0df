package org.webfilter.proxy;

import java.net.InetSocketAddress;
import java.util.regex.Pattern;

/**
 * The proxy auto-config file served at {@code /proxy.pac} and {@code /wpad.dat}. Everything goes
 * through the proxy (no {@code DIRECT} fallback, which would be a bypass); only plain host names
 * and loopback stay direct.
 */
final class PacFile {
  /** A Host header safe to paste into JavaScript: a name or IP literal, optional port. */
  private static final Pattern SAFE_HOST =
      Pattern.compile("(?:[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

  private PacFile() {}

  /**
   * @param hostHeader the Host the client used to reach us (may be null or hostile)
   * @param fallbackHost our address for clients that sent no usable Host
   * @param port the port we listen on
   */
  static String render(String hostHeader, String fallbackHost, int port) {
    String proxy = fallbackHost + ":" + port;
    if (hostHeader != null && SAFE_HOST.matcher(hostHeader).matches()) {
      boolean hasPort = hostHeader.lastIndexOf(':') > hostHeader.lastIndexOf(']');
      proxy = hasPort ? hostHeader : hostHeader + ":" + port;
    }
    return "function FindProxyForURL(url, host) {\n"
        + "  if (isPlainHostName(host) || host == \"localhost\" || shExpMatch(host, \"127.*\")"
        + " || host == \"::1\") {\n"
        + "    return \"DIRECT\";\n"
        + "  }\n"
        + "  return \"PROXY "
        + proxy
        + "\";\n"
        + "}\n";
  }

  /** How to write our own address in a PAC file. */
  static String hostOf(InetSocketAddress a) {
    String h = a.getAddress().getHostAddress();
    return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
  }
}
