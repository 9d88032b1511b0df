package org.webfilter.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;

/**
 * Headers meant for one hop only (RFC 9110 §7.6.1), which a proxy must not pass on: the fixed set,
 * and whatever a {@code Connection} header names. {@code Transfer-Encoding} stays (the codecs
 * re-frame the body by it) and so does {@code Upgrade} on a WebSocket handshake.
 */
final class HopByHop {
  private static final List<CharSequence> FIXED =
      List.of(
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.PROXY_AUTHENTICATE,
          HttpHeaderNames.PROXY_AUTHORIZATION,
          "Proxy-Connection",
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER);

  private HopByHop() {}

  /** Strips every hop-by-hop header, {@code Connection} included, keeping an {@code Upgrade}. */
  static void strip(HttpHeaders h) {
    boolean upgrade = h.containsValue(HttpHeaderNames.CONNECTION, "upgrade", true);
    stripConnectionListed(h);
    h.remove(HttpHeaderNames.CONNECTION);
    for (CharSequence name : FIXED) {
      h.remove(name);
    }
    if (upgrade && h.contains(HttpHeaderNames.UPGRADE)) {
      h.set(HttpHeaderNames.CONNECTION, "upgrade");
    } else {
      h.remove(HttpHeaderNames.UPGRADE);
    }
  }

  /**
   * Removes the headers a {@code Connection} header names, but not {@code Upgrade}, {@code close}
   * or {@code keep-alive}, which say something about the connection itself.
   */
  static void stripConnectionListed(HttpHeaders h) {
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()
            && !name.equalsIgnoreCase("upgrade")
            && !name.equalsIgnoreCase("close")
            && !name.equalsIgnoreCase("keep-alive")) {
          h.remove(name);
        }
      }
    }
  }
}
