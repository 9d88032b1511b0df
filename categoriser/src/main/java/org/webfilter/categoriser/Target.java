package org.webfilter.categoriser;

import java.util.Locale;

/**
 * A request target, normalised for matching (every constructor and factory applies the same rules, see
 * {@code UrlNormaliser}): lower-case host without a trailing dot or IPv6 brackets, percent-decoded and in
 * punycode when internationalised, IPv4 in dotted decimal (however it was written) and IPv6 in RFC 5952
 * form; an explicit port; and the path with query ({@code ""} for a CONNECT tunnel, whose path is
 * unknown), with dot segments and repeated slashes removed and unreserved characters decoded.
 *
 * <p>For a request that names a host twice (absolute URI and {@code Host} header) see {@link
 * RequestTargets}.
 */
public record Target(String host, int port, String path) {

  public Target {
    host = UrlNormaliser.host(host);
    if (host.isEmpty()) {
      throw new IllegalArgumentException("empty host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " (expected: 0-65535)");
    }
    path = path == null ? "" : UrlNormaliser.path(path);
  }

  /**
   * Parses what an operator or a log line gives: {@code http://host:port/path?q}, {@code https://...},
   * {@code host:port} (a CONNECT target) or a bare {@code host}. As browsers do, tabs and line breaks
   * anywhere are dropped, {@code \\} ends the host like {@code /}, userinfo ({@code user:pass@}) is not
   * part of the host, and an empty port means the default one.
   *
   * @throws IllegalArgumentException with a message naming what was wrong
   */
  public static Target parse(String urlOrHost) {
    String s = stripTabsAndNewlines(urlOrHost).trim();
    int scheme = s.indexOf("://");
    if (scheme < 0) {
      return parseAuthority(s, 80, "");
    }
    String protocol = s.substring(0, scheme).toLowerCase(Locale.ROOT);
    int defaultPort =
        switch (protocol) {
          case "http" -> 80;
          case "https" -> 443;
          default -> throw new IllegalArgumentException("unsupported scheme '" + protocol + "' in " + s);
        };
    String rest = s.substring(scheme + 3);
    int slash = indexOfAny(rest, "/?#\\");
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    String path = slash < 0 ? "/" : rest.substring(slash);
    if (path.startsWith("\\")) {
      path = "/" + path.substring(1);
    }
    if (path.startsWith("?")) {
      path = "/" + path;
    }
    int hash = path.indexOf('#');
    if (hash >= 0) {
      path = path.substring(0, hash);
    }
    int at = authority.lastIndexOf('@'); // userinfo is not part of the host
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    return parseAuthority(authority, defaultPort, path);
  }

  /** {@code host:port} as a proxy sees it in CONNECT, or a bare host (port 443 assumed then). */
  public static Target ofConnect(String authority) {
    return parseAuthority(authority, 443, "");
  }

  private static Target parseAuthority(String authority, int defaultPort, String path) {
    String host = authority;
    int port = defaultPort;
    if (authority.startsWith("[")) {
      int end = authority.indexOf(']');
      if (end < 0) {
        throw new IllegalArgumentException("unclosed IPv6 literal in " + authority);
      }
      host = authority.substring(1, end);
      if (authority.length() > end + 1) {
        port = parsePort(authority.substring(end + 1), authority, defaultPort);
      }
    } else {
      int colon = authority.lastIndexOf(':');
      if (colon >= 0 && authority.indexOf(':') == colon) {
        host = authority.substring(0, colon);
        port = parsePort(authority.substring(colon), authority, defaultPort);
      }
    }
    return new Target(host, port, path);
  }

  private static int parsePort(String colonPort, String authority, int defaultPort) {
    if (colonPort.equals(":")) {
      return defaultPort;
    }
    if (!colonPort.startsWith(":") || colonPort.length() > 6) {
      throw new IllegalArgumentException("bad port in " + authority);
    }
    try {
      return Integer.parseInt(colonPort.substring(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad port in " + authority);
    }
  }

  private static int indexOfAny(String s, String chars) {
    for (int i = 0; i < s.length(); i++) {
      if (chars.indexOf(s.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  private static String stripTabsAndNewlines(String s) {
    if (s.indexOf('\t') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return s.replace("\t", "").replace("\n", "").replace("\r", "");
  }

  /** The URL this target stands for, as logged: {@code host:port} for a tunnel. */
  public String display(String scheme) {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    if (path.isEmpty()) {
      return h + ":" + port;
    }
    boolean defaultPort = ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    return scheme + "://" + h + (defaultPort ? "" : ":" + port) + path;
  }

}
