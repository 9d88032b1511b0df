package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/**
 * Upstream connections: kept and reused across client connections, a pooled connection the origin
 * has meanwhile closed is replaced without the client noticing, and a {@code 101 Switching
 * Protocols} turns the exchange into a byte relay. The origin is a scripted raw socket server, so
 * the test can count its connections.
 */
class UpstreamReuseTest {
  private static final CollectingSink events = new CollectingSink();
  private static ScriptedOrigin origin;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws IOException {
    origin = new ScriptedOrigin();
    proxy =
        ProxyServer.start(
            new ProxySettings(
                "127.0.0.1",
                0,
                List.of(Cidr.parse("127.0.0.0/8")),
                Map.of("origin.test", "127.0.0.1"),
                "reuse-node"),
            TestPolicy::new,
            events,
            Clock.systemUTC(),
            Optional.empty(),
            ProxyOptions.defaults(),
            1); // one event loop: every client shares one pool
  }

  @AfterAll
  static void stop() throws IOException {
    proxy.close();
    origin.close();
  }

  @BeforeEach
  void reset() {
    origin.connections.set(0);
  }

  private static String get(String path, String connection) {
    return "GET http://origin.test:" + origin.port() + path + " HTTP/1.1\r\nHost: origin.test\r\n"
        + "Connection: " + connection + "\r\n\r\n";
  }

  @Test
  void newClientConnectionPerRequest_reusesOneUpstreamConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      try (RawHttp c = new RawHttp(proxy.address())) {
        RawHttp.Response r = c.send(get("/page" + i, "close"));
        assertEquals(200, r.status());
        assertEquals("ok /page" + i, r.body());
        assertEquals("close", r.header("Connection"));
        assertTrue(c.closedByPeer(), "the client asked to close");
      }
    }
    // at most one new one: an earlier test may have left one in the pool
    assertTrue(origin.connections.get() <= 1, origin.connections.get() + " upstream connections for five client connections");
  }

  @Test
  void requestWithABody_getsANewConnection_sinceItCouldNotBeSentTwice() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      assertEquals(200, c.send(get("/first", "keep-alive")).status()); // leaves one idle in the pool
      int before = origin.connections.get();
      RawHttp.Response r =
          c.send(
              "POST http://origin.test:" + origin.port() + "/form HTTP/1.1\r\nHost: origin.test\r\n"
                  + "Content-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
      assertEquals(200, r.status());
      assertEquals("ok /form", r.body());
      assertEquals(before + 1, origin.connections.get(), "the POST took an idle connection");
      assertEquals(200, c.send(get("/after", "keep-alive")).status());
      assertEquals(before + 1, origin.connections.get(), "a bodyless request reuses one");
    }
  }

  @Test
  void pooledConnectionClosedByOrigin_requestIsSentAgainOnANewOne() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      // the origin answers this one, then drops the connection when the next request arrives on it
      assertEquals(200, c.send(get("/last-on-this-connection", "keep-alive")).status());
      RawHttp.Response r = c.send(get("/after", "keep-alive"));
      assertEquals(200, r.status());
      assertEquals("ok /after", r.body());
    }
    assertTrue(origin.connections.get() >= 1, "the dropped connection was replaced by a new one");
  }

  /**
   * The client keeps being read while a request is in flight; what it sends meanwhile waits its
   * turn. Sent in one write, and again with the next request arriving while the slow one is still
   * at the origin: the answers come in the order asked, each with its own body.
   */
  @Test
  void pipelinedRequests_areAnsweredInOrder_whileTheFirstIsStillAtTheOrigin() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      c.write(get("/slow", "keep-alive") + get("/b", "keep-alive") + get("/c", "keep-alive"));
      assertEquals("ok /slow", c.read().body());
      assertEquals("ok /b", c.read().body());
      assertEquals("ok /c", c.read().body());

      c.write(get("/slow", "keep-alive"));
      Thread.sleep(100); // the slow one is at the origin now
      c.write(get("/d", "keep-alive"));
      Thread.sleep(100);
      c.write(get("/e", "close"));
      assertEquals("ok /slow", c.read().body());
      assertEquals("ok /d", c.read().body());
      RawHttp.Response last = c.read();
      assertEquals("ok /e", last.body());
      assertEquals("close", last.header("Connection"));
      assertTrue(c.closedByPeer(), "the last request asked to close");
    }
  }

  @Test
  void switchingProtocols_relaysBytesBothWays() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 2_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = s.getInputStream();
      out.write(
          ("GET http://origin.test:" + origin.port() + "/ws HTTP/1.1\r\nHost: origin.test\r\n"
                  + "Connection: Upgrade\r\nUpgrade: websocket\r\n"
                  + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      String head = readHead(in);
      assertTrue(head.startsWith("HTTP/1.1 101"), head);
      assertTrue(head.toLowerCase().contains("upgrade: websocket"), head);
      assertTrue(!head.toLowerCase().contains("connection: close"), head);
      // bytes that are no HTTP at all, sent twice: the origin echoes them
      byte[] frame = {(byte) 0x81, 0x05, 'h', 'e', 'l', 'l', 'o', 0, '\r', '\n', '\r', '\n'};
      for (int i = 0; i < 2; i++) {
        out.write(frame);
        out.flush();
        assertArrayEquals(frame, in.readNBytes(frame.length));
      }
    }
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return 0;
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.write(c);
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /**
   * An HTTP/1.1 origin with keep-alive that counts connections. {@code /last-on-this-connection}
   * makes it close the connection when the next request arrives on it, unanswered (what an origin
   * closing an idle connection looks like to a proxy that reuses it at that moment); {@code /slow}
   * answers after 300 ms; {@code /ws}
   * upgrades and then echoes every byte.
   */
  private static final class ScriptedOrigin implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    private final ServerSocket server;

    ScriptedOrigin() throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
      Thread t = new Thread(this::accept, "scripted-origin");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          connections.incrementAndGet();
          Thread t = new Thread(() -> serve(s), "scripted-origin-connection");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void serve(Socket s) {
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        boolean dropNext = false;
        while (true) {
          String head = readHead(in);
          if (head.isEmpty() || dropNext) {
            return;
          }
          String path = head.split(" ")[1];
          in.readNBytes(contentLength(head)); // the body, if any: not used
          if (path.equals("/ws")) {
            out.write(
                ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            in.transferTo(out);
            return;
          }
          dropNext = path.equals("/last-on-this-connection");
          if (path.equals("/slow")) {
            Thread.sleep(300);
          }
          byte[] body = ("ok " + path).getBytes(StandardCharsets.UTF_8);
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                      + "\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.write(body);
          out.flush();
        }
      } catch (IOException e) {
        // the proxy closed the connection
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
