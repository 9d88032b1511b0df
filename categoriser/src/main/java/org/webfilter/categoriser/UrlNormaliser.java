package org.webfilter.categoriser;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Puts hosts and paths into the one form lists are matched in, so that spelling a blocked URL another
 * way does not get around the filter. Follows what browsers do (the WHATWG URL standard) where it
 * matters for evasion:
 *
 * <ul>
 *   <li>host: percent-decoded, lower-cased, trailing dots removed; Unicode names turned into punycode
 *       (IDNA, {@link IDN#toASCII}); IPv4 written as decimal, octal, hex or with fewer than four parts
 *       ({@code 2130706433}, {@code 0x7f.1}, {@code 017700000001}) turned into dotted decimal ({@code
 *       127.0.0.1}); IPv6 literals written in RFC 5952 form, IPv4-mapped ones as IPv4;
 *   <li>path: {@code \} read as {@code /}, percent-encoded unreserved characters decoded (other escapes
 *       kept, with upper-case hex), dot segments removed, repeated slashes collapsed; the query is kept
 *       as sent.
 * </ul>
 */
final class UrlNormaliser {

  private UrlNormaliser() {}

  /**
   * The normal form of a host.
   *
   * @throws IllegalArgumentException when the host cannot be a host (bad IDN, bad IP literal)
   */
  static String host(String raw) {
    String h = raw.strip();
    if (h.indexOf('%') >= 0 && !(h.startsWith("[") || h.indexOf(':') >= 0)) {
      h = percentDecode(h);
    }
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    h = h.toLowerCase(Locale.ROOT);
    if (!isAscii(h)) {
      try {
        h = IDN.toASCII(h, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not an internationalised host name: '" + raw + "' (" + e.getMessage() + ")");
      }
    }
    while (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    if (h.indexOf(':') >= 0) {
      return ipv6(h, raw);
    }
    if (endsInNumber(h)) {
      return ipv4(h, raw);
    }
    for (int i = 0; i < h.length(); i++) {
      if (FORBIDDEN.indexOf(h.charAt(i)) >= 0) {
        throw new IllegalArgumentException("not a host name (forbidden character): '" + raw + "'");
      }
    }
    return h;
  }

  /** WHATWG forbidden host code points (after percent-decoding). */
  private static final String FORBIDDEN = "\u0000\t\n\r #/:<>?@[\\]^|%";

  /** WHATWG "ends in a number": the last label is all digits, or {@code 0x} and hex digits. */
  private static boolean endsInNumber(String h) {
    int last = h.lastIndexOf('.') + 1;
    if (last == h.length()) {
      return false;
    }
    if (h.startsWith("0x", last)) {
      for (int i = last + 2; i < h.length(); i++) {
        if (Character.digit(h.charAt(i), 16) < 0) {
          return false;
        }
      }
      return true;
    }
    for (int i = last; i < h.length(); i++) {
      char c = h.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  private static String ipv4(String h, String raw) {
    String[] parts = h.split("\\.", -1);
    if (parts.length > 4) {
      throw new IllegalArgumentException("not an IPv4 address (more than 4 parts): '" + raw + "'");
    }
    long[] numbers = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      numbers[i] = ipv4Number(parts[i], raw);
      if (i < parts.length - 1 && numbers[i] > 255) {
        throw new IllegalArgumentException("not an IPv4 address (part over 255): '" + raw + "'");
      }
    }
    long last = numbers[parts.length - 1];
    if (last >= 1L << (8 * (5 - parts.length))) {
      throw new IllegalArgumentException("not an IPv4 address (out of range): '" + raw + "'");
    }
    long address = last;
    for (int i = 0; i < parts.length - 1; i++) {
      address += numbers[i] << (8 * (3 - i));
    }
    return (address >>> 24) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
  }

  private static long ipv4Number(String part, String raw) {
    int radix = 10;
    String digits = part;
    if (part.startsWith("0x")) {
      radix = 16;
      digits = part.substring(2);
    } else if (part.length() > 1 && part.startsWith("0")) {
      radix = 8;
      digits = part.substring(1);
    }
    if (digits.isEmpty()) {
      if (radix == 16) {
        return 0;
      }
      throw new IllegalArgumentException("not an IPv4 address (empty part): '" + raw + "'");
    }
    if (digits.length() > 32) {
      throw new IllegalArgumentException("not an IPv4 address (out of range): '" + raw + "'");
    }
    try {
      return Long.parseLong(digits, radix);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an IPv4 address: '" + raw + "'");
    }
  }

  private static String ipv6(String h, String raw) {
    int zone = h.indexOf('%');
    String literal = zone >= 0 ? h.substring(0, zone) : h;
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (!(c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        throw new IllegalArgumentException("not an IPv6 address: '" + raw + "'");
      }
    }
    InetAddress address;
    try {
      // The brackets make the JDK parse a literal or fail; it never resolves a bracketed name.
      address = InetAddress.getByName("[" + literal + "]");
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IPv6 address: '" + raw + "'");
    }
    if (address instanceof Inet4Address) {
      return address.getHostAddress(); // IPv4-mapped (::ffff:a.b.c.d)
    }
    return rfc5952(address.getAddress());
  }

  /** Lower-case hex, no leading zeros, the longest run (two or more) of zero groups as {@code ::}. */
  static String rfc5952(byte[] bytes) {
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }

  /**
   * The normal form of a path with its query ({@code ""} stays {@code ""}, the path of a tunnel).
   * Only the path part is rewritten; the query is kept as sent.
   */
  static String path(String raw) {
    if (raw.isEmpty() || raw.charAt(0) != '/' && raw.charAt(0) != '\\') {
      return raw;
    }
    int q = raw.indexOf('?');
    String path = q < 0 ? raw : raw.substring(0, q);
    String query = q < 0 ? "" : raw.substring(q);
    path = decodeUnreserved(path.replace('\\', '/'));
    return removeDotSegments(path) + query;
  }

  /** Decodes {@code %XX} for ALPHA, DIGIT, {@code -._~}; other escapes get upper-case hex. */
  private static String decodeUnreserved(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi;
      int lo;
      if (c == '%' && i + 2 < s.length()
          && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
          && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
        char decoded = (char) (hi * 16 + lo);
        if ((decoded >= 'a' && decoded <= 'z') || (decoded >= 'A' && decoded <= 'Z')
            || (decoded >= '0' && decoded <= '9') || "-._~".indexOf(decoded) >= 0) {
          sb.append(decoded);
        } else {
          sb.append('%').append(Character.toUpperCase(s.charAt(i + 1))).append(Character.toUpperCase(s.charAt(i + 2)));
        }
        i += 2;
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** RFC 3986 section 5.2.4, with empty segments (repeated slashes) dropped too. */
  private static String removeDotSegments(String path) {
    String[] segments = path.split("/", -1);
    String[] out = new String[segments.length];
    int n = 0;
    for (int i = 1; i < segments.length; i++) {
      String s = segments[i];
      boolean last = i == segments.length - 1;
      if (s.equals("..")) {
        if (n > 0) {
          n--;
        }
        if (last) {
          out[n++] = "";
        }
      } else if (s.equals(".") || s.isEmpty()) {
        if (last) {
          out[n++] = "";
        }
      } else {
        out[n++] = s;
      }
    }
    StringBuilder sb = new StringBuilder(path.length());
    for (int i = 0; i < n; i++) {
      sb.append('/').append(out[i]);
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  /** Decodes {@code %XX} escapes as UTF-8; a malformed escape is kept as written. */
  static String percentDecode(String s) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      int hi;
      int lo;
      if (c == '%' && i + 2 < s.length() && (hi = Character.digit(s.charAt(i + 1), 16)) >= 0
          && (lo = Character.digit(s.charAt(i + 2), 16)) >= 0) {
        bytes.write(hi * 16 + lo);
        i += 2;
      } else {
        byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
          b = s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8);
          i++;
        }
        bytes.writeBytes(b);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
