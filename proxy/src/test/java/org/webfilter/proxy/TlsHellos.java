package org.webfilter.proxy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/** Real TLS ClientHellos, as the JDK's TLS client writes them (not hand-made bytes). */
final class TlsHellos {
  private TlsHellos() {}

  /** The first flight of a TLS client; {@code serverName} null sends no SNI. */
  static byte[] clientHello(String serverName) throws Exception {
    SSLContext c = SSLContext.getInstance("TLS");
    c.init(null, null, null);
    SSLEngine e = serverName == null ? c.createSSLEngine() : c.createSSLEngine(serverName, 443);
    e.setUseClientMode(true);
    if (serverName != null) {
      SSLParameters p = e.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(serverName)));
      e.setSSLParameters(p);
    }
    ByteBuffer out = ByteBuffer.allocate(e.getSession().getPacketBufferSize());
    e.beginHandshake();
    e.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] b = new byte[out.remaining()];
    out.get(b);
    return b;
  }

  /** The same handshake message re-cut into TLS records of at most {@code size} bytes each. */
  static byte[] refragment(byte[] hello, int size) {
    byte[] body = Arrays.copyOfRange(hello, 5, hello.length);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < body.length; i += size) {
      int n = Math.min(size, body.length - i);
      out.write(hello[0]);
      out.write(hello[1]);
      out.write(hello[2]);
      out.write(n >> 8);
      out.write(n & 0xff);
      out.write(body, i, n);
    }
    return out.toByteArray();
  }
}
