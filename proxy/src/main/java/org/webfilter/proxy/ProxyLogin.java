package org.webfilter.proxy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.webfilter.policy.Credentials;

/** Reads a {@code Proxy-Authorization: Basic ...} header. */
final class ProxyLogin {
  /** What the client offered. */
  sealed interface Offer {}

  /** No header: identify by network. */
  record None() implements Offer {}

  /** A well-formed Basic login. */
  record Offered(Credentials credentials) implements Offer {}

  /** A header we cannot read (another scheme, bad Base64, no colon): treated as a failed login. */
  record Malformed() implements Offer {}

  private static final None NONE = new None();
  private static final Malformed MALFORMED = new Malformed();

  private ProxyLogin() {}

  static Offer parse(String header) {
    if (header == null) {
      return NONE;
    }
    String h = header.trim();
    if (h.length() < 6 || !h.regionMatches(true, 0, "Basic ", 0, 6)) {
      return MALFORMED;
    }
    String decoded;
    try {
      decoded =
          new String(Base64.getDecoder().decode(h.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return MALFORMED;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return MALFORMED;
    }
    return new Offered(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }
}
