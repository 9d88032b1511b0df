package org.webfilter.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An IPv4 or IPv6 network such as {@code 10.0.0.0/8} or {@code ::1/128}. */
public final class Cidr {
  private final byte[] network;
  private final int prefixLength;
  private final String text;

  private Cidr(byte[] network, int prefixLength, String text) {
    this.network = network;
    this.prefixLength = prefixLength;
    this.text = text;
  }

  /**
   * Parses {@code address/prefix} (or a bare address, meaning a single host). Only numeric addresses
   * are accepted; nothing is looked up in DNS.
   *
   * @throws IllegalArgumentException naming what was wrong
   */
  public static Cidr parse(String text) {
    String s = text.trim();
    int slash = s.indexOf('/');
    String address = slash < 0 ? s : s.substring(0, slash);
    if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+")) {
      throw new IllegalArgumentException("not a network: '" + text + "' (expected e.g. 10.0.0.0/8)");
    }
    byte[] bytes;
    try {
      bytes = InetAddress.getByName(address).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not a network: '" + text + "' (expected e.g. 10.0.0.0/8)");
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(s.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > max) {
        throw new IllegalArgumentException(
            "bad prefix length in '" + text + "' (expected: 0-" + max + ")");
      }
    }
    return new Cidr(mask(bytes, prefix), prefix, s);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] &= (byte) (0xff << (8 - bits));
    }
    return out;
  }

  public boolean contains(InetAddress address) {
    return contains(address.getAddress());
  }

  /** As {@link #contains(InetAddress)}, for the raw address (4 or 16 bytes); allocates nothing. */
  boolean contains(byte[] address) {
    if (address.length != network.length) {
      return false;
    }
    for (int i = 0; i < address.length; i++) {
      int bits = Math.max(0, Math.min(8, prefixLength - i * 8));
      if ((byte) (address[i] & (0xff << (8 - bits))) != network[i]) {
        return false;
      }
    }
    return true;
  }

  /** Larger is more specific; used so the most specific network wins. */
  public int prefixLength() {
    return prefixLength;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefixLength == prefixLength && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefixLength;
  }

  @Override
  public String toString() {
    return text;
  }
}
