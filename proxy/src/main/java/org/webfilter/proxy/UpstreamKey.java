package org.webfilter.proxy;

/**
 * What makes two upstream connections interchangeable, the key of {@link UpstreamPool}: plain or
 * TLS, the host and port actually connected to, and for TLS the server name the certificate was
 * verified against. A SafeSearch endpoint serves a search engine's name from another host, so the
 * name and the host are both part of it; a plain connection and a TLS one never share a key.
 *
 * @param serverName the verified TLS server name; {@code null} for plain HTTP
 * @param host the host name connected to (resolved through {@link DestinationGuard})
 * @param port the port connected to
 */
record UpstreamKey(String serverName, String host, int port) {
  static UpstreamKey plain(String host, int port) {
    return new UpstreamKey(null, host, port);
  }

  static UpstreamKey tls(String serverName, String host, int port) {
    return new UpstreamKey(java.util.Objects.requireNonNull(serverName, "serverName"), host, port);
  }

  boolean isTls() {
    return serverName != null;
  }

  @Override
  public String toString() {
    return isTls() ? "https://" + serverName + "@" + host + ":" + port : host + ":" + port;
  }
}
