package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClientHelloTest {

  private static ClientHello.Result peek(byte[] bytes) {
    ByteBuf b = Unpooled.wrappedBuffer(bytes);
    try {
      return ClientHello.peek(b);
    } finally {
      b.release();
    }
  }

  @Test
  void peek_readsServerName_fromJdkClientHello() throws Exception {
    ClientHello.Result r = peek(TlsHellos.clientHello("www.Example.org"));
    assertEquals(new ClientHello.Hello("www.example.org"), r);
  }

  @Test
  void peek_givesNoName_whenClientSendsNoSni() throws Exception {
    ClientHello.Result r = peek(TlsHellos.clientHello(null));
    ClientHello.Hello hello = assertInstanceOf(ClientHello.Hello.class, r);
    assertNull(hello.serverName());
  }

  @Test
  void peek_needsMore_forEveryPrefixOfTheHello() throws Exception {
    byte[] hello = TlsHellos.clientHello("split.example.org");
    for (int n = 1; n < hello.length; n += 7) {
      assertEquals(
          new ClientHello.NeedMore(), peek(Arrays.copyOf(hello, n)), "prefix of " + n + " bytes");
    }
    assertEquals(new ClientHello.Hello("split.example.org"), peek(hello));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 50, 100, 300})
  void peek_readsServerName_whenHandshakeSpansSeveralRecords(int recordSize) throws Exception {
    byte[] split = TlsHellos.refragment(TlsHellos.clientHello("frag.example.org"), recordSize);
    assertEquals(new ClientHello.Hello("frag.example.org"), peek(split));
  }

  @Test
  void peek_leavesTheBufferAsItWas() throws Exception {
    byte[] hello = TlsHellos.clientHello("keep.example.org");
    ByteBuf b = Unpooled.wrappedBuffer(hello);
    try {
      ClientHello.peek(b);
      assertEquals(0, b.readerIndex());
      assertEquals(hello.length, b.readableBytes());
      byte[] after = new byte[hello.length];
      b.getBytes(0, after);
      assertEquals(Arrays.toString(hello), Arrays.toString(after));
    } finally {
      b.release();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        "SSH-2.0-OpenSSH_9.2\r\n",
        "\u0016\u0003\u0001\u0000\u0004\u0002\u0000\u0000\u0000" // handshake, but not a ClientHello
      })
  void peek_saysNotTls_forOtherProtocols(String first) {
    assertEquals(new ClientHello.NotTls(), peek(first.getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void peek_saysNotTls_whenLengthsInsideTheHelloLie() throws Exception {
    byte[] hello = TlsHellos.clientHello("liar.example.org");
    hello[5 + 4 + 2 + 32] = (byte) 0xff; // session_id length runs past the message
    assertEquals(new ClientHello.NotTls(), peek(hello));
  }

  @Test
  void peek_saysNotTls_forAServerNameThatIsNoHostName() throws Exception {
    byte[] hello = TlsHellos.clientHello("abc.example.org");
    String s = new String(hello, StandardCharsets.ISO_8859_1);
    int at = s.indexOf("abc.example.org");
    hello[at] = '<';
    assertEquals(new ClientHello.NotTls(), peek(hello));
  }
}
