package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads the server name (SNI) from the first bytes a client sends into a tunnel, without
 * consuming them and without terminating TLS: the proxy decides on that name, then forwards the
 * very same bytes upstream. Handles a ClientHello split over several TLS records and several TCP
 * reads (post-quantum key shares make ClientHellos of 1.5-2 KB common).
 *
 * <p>RFC 8446 §4.1.2 (ClientHello) and RFC 6066 §3 (server_name). Anything that is not a
 * well-formed ClientHello is {@link NotTls}: the caller treats it as non-TLS traffic.
 */
final class ClientHello {
  /** More than one ClientHello may ever need: give up waiting beyond this. */
  static final int MAX_BYTES = 32 * 1024;

  private static final int HANDSHAKE = 22;
  private static final int CLIENT_HELLO = 1;
  private static final int SERVER_NAME = 0;
  private static final Pattern HOST =
      Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*\\.?");

  private ClientHello() {}

  /** What the first bytes of a tunnel turned out to be. */
  sealed interface Result {}

  /** Not enough bytes yet to tell. */
  record NeedMore() implements Result {}

  /** Not a readable TLS ClientHello (plain HTTP, another protocol, or garbage). */
  record NotTls() implements Result {}

  /** A TLS ClientHello; {@code serverName} is lower case, or null when the client sent none. */
  record Hello(String serverName) implements Result {}

  private static final NeedMore NEED_MORE = new NeedMore();
  private static final NotTls NOT_TLS = new NotTls();

  /** Looks at the readable bytes of {@code in}; neither its indexes nor its contents change. */
  static Result peek(ByteBuf in) {
    int start = in.readerIndex();
    int end = in.writerIndex();
    if (end - start < 1) {
      return NEED_MORE;
    }
    if (in.getUnsignedByte(start) != HANDSHAKE) {
      return NOT_TLS;
    }
    // gather the handshake message from as many handshake records as it spans
    byte[] handshake = new byte[64];
    int have = 0;
    int need = -1;
    int pos = start;
    while (need < 0 || have < need) {
      if (end - pos < 5) {
        return end - start > MAX_BYTES ? NOT_TLS : NEED_MORE;
      }
      if (in.getUnsignedByte(pos) != HANDSHAKE || in.getUnsignedByte(pos + 1) != 3) {
        return NOT_TLS;
      }
      int length = in.getUnsignedShort(pos + 3);
      if (length == 0 || length > 16384 + 256) {
        return NOT_TLS;
      }
      if (end - pos - 5 < length) {
        return pos + 5 + length - start > MAX_BYTES ? NOT_TLS : NEED_MORE;
      }
      int n = need < 0 ? length : Math.min(length, need - have);
      if (have + n > handshake.length) {
        handshake = java.util.Arrays.copyOf(handshake, Math.max(have + n, handshake.length * 2));
      }
      in.getBytes(pos + 5, handshake, have, n);
      have += n;
      pos += 5 + length;
      if (need < 0 && have >= 4) {
        if (handshake[0] != CLIENT_HELLO) {
          return NOT_TLS;
        }
        need = 4 + (((handshake[1] & 0xff) << 16) | ((handshake[2] & 0xff) << 8) | (handshake[3] & 0xff));
        if (need > MAX_BYTES) {
          return NOT_TLS;
        }
      }
    }
    handshake = java.util.Arrays.copyOf(handshake, need);
    return parse(handshake);
  }

  /** {@code h}: the whole handshake message, header included. */
  private static Result parse(byte[] h) {
    Cursor c = new Cursor(h, 4);
    if (!c.skip(2 + 32) // client_version, random
        || !c.skip(c.u8()) // session_id
        || !c.skip(c.u16()) // cipher_suites
        || !c.skip(c.u8())) { // compression_methods
      return NOT_TLS;
    }
    if (c.remaining() == 0) {
      return new Hello(null); // no extensions at all
    }
    int extensionsLength = c.u16();
    int extensionsEnd = c.pos + extensionsLength;
    if (c.bad || extensionsEnd > h.length) {
      return NOT_TLS;
    }
    while (c.pos + 4 <= extensionsEnd) {
      int type = c.u16();
      int length = c.u16();
      int next = c.pos + length;
      if (next > extensionsEnd) {
        return NOT_TLS;
      }
      if (type == SERVER_NAME) {
        return serverName(new Cursor(h, c.pos), next);
      }
      c.pos = next;
    }
    return c.pos == extensionsEnd ? new Hello(null) : NOT_TLS;
  }

  private static Result serverName(Cursor c, int end) {
    int listLength = c.u16();
    int listEnd = c.pos + listLength;
    if (listEnd > end) {
      return NOT_TLS;
    }
    while (c.pos + 3 <= listEnd) {
      int nameType = c.u8();
      int length = c.u16();
      if (c.pos + length > listEnd) {
        return NOT_TLS;
      }
      if (nameType == 0) {
        String name =
            new String(c.bytes, c.pos, length, java.nio.charset.StandardCharsets.US_ASCII)
                .toLowerCase(Locale.ROOT);
        if (length == 0 || length > 253 || !HOST.matcher(name).matches()) {
          return NOT_TLS;
        }
        return new Hello(name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
      }
      c.pos += length;
    }
    return new Hello(null);
  }

  /** Bounds-checked reads; {@link #bad} sticks once a read ran past the end. */
  private static final class Cursor {
    final byte[] bytes;
    int pos;
    boolean bad;

    Cursor(byte[] bytes, int pos) {
      this.bytes = bytes;
      this.pos = pos;
    }

    int remaining() {
      return bytes.length - pos;
    }

    int u8() {
      if (pos + 1 > bytes.length) {
        bad = true;
        return 0;
      }
      return bytes[pos++] & 0xff;
    }

    int u16() {
      if (pos + 2 > bytes.length) {
        bad = true;
        return 0;
      }
      int v = ((bytes[pos] & 0xff) << 8) | (bytes[pos + 1] & 0xff);
      pos += 2;
      return v;
    }

    boolean skip(int n) {
      if (bad || pos + n > bytes.length) {
        bad = true;
        return false;
      }
      pos += n;
      return true;
    }
  }
}
