package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.ProxySettings;
import org.webfilter.proxy.InterceptedReuseTest.Answer;
import org.webfilter.proxy.InterceptedReuseTest.Certified;

/**
 * Requests decrypted in an intercepted tunnel get the same protection as plain ones ({@link
 * ClientGuard}), and a {@code 101 Switching Protocols} is relayed the same way. The client opens
 * each tunnel by hand (CONNECT, then TLS trusting only the school CA); the origin is a real Netty
 * server speaking TLS or plain HTTP on one port ({@link CountingOrigin}), counting the requests
 * that reach it. The proxy allows at most 10 header fields and 2 s for a request head.
 */
class InterceptedHardeningTest {
  private static final String HOST = "guard.test";
  private static final ProxyLimits DEFAULTS = ProxyLimits.DEFAULTS;
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);

  @TempDir static Path dir;
  private static CountingOrigin origin;
  private static ProxyServer proxy;
  private static SSLContext client;

  @BeforeAll
  static void start() throws Exception {
    Certified cert = InterceptedReuseTest.selfSigned(List.of(HOST));
    origin = new CountingOrigin(SslContextBuilder.forServer(cert.kp().getPrivate(), cert.cert()).build());
    ProxyOptions options =
        ProxyOptions.defaults()
            .withLimits(
                new ProxyLimits(
                    DEFAULTS.maxRequestLine(), DEFAULTS.maxHeaderBytes(), 10,
                    DEFAULTS.maxConnectionsPerClient(), DEFAULTS.idleTimeout(), HEAD_TIMEOUT,
                    DEFAULTS.connectTimeout()))
            .withConnectPorts(Set.of(origin.port()))
            .withInterception(dir.resolve("ca"), role -> true)
            .withUpstreamTrust(List.of(cert.cert()));
    proxy =
        ProxyServer.start(
            new ProxySettings(
                "127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), Map.of(HOST, "127.0.0.1"), "guard-node"),
            TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(), options, 1);
    client = InterceptedReuseTest.trusting(InterceptedReuseTest.schoolCa(proxy.address()));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }

  /**
   * Regression: {@code proxy.limits.max-header-count} held for plain requests only; a request in
   * an intercepted tunnel with any number of header fields went to the origin.
   */
  @Test
  void maxHeaderCount10_interceptedRequestWith20Headers_gets431_andOneWith10IsServed() throws Exception {
    int before = origin.requests.get();
    Answer many = inTunnel(get("/many", 20));
    assertEquals(431, many.status());
    assertEquals("webfilter: the request head is too large\n", many.body());
    assertEquals(before, origin.requests.get(), "the refused request never reached the origin");
    Answer few = inTunnel(get("/few", 10));
    assertEquals(200, few.status());
    assertTrue(few.body().startsWith("/few tls=true "), few.body());
  }

  /** What must not be forwarded, the request head (and body) after the request line. */
  static Stream<Arguments> badRequests() {
    return Stream.of(
        Arguments.of(400, "POST", "Host: guard.test\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of(400, "POST", "Host: guard.test\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
        Arguments.of(400, "POST", "Host: guard.test\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
        Arguments.of(400, "POST", "Host: guard.test\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
        Arguments.of(400, "GET", "Host: guard.test\r\nHost: other.test\r\n\r\n"),
        Arguments.of(400, "GET", "Host: guard.test/evil\r\n\r\n"),
        Arguments.of(431, "GET", "Host: guard.test\r\nX-Big: " + "b".repeat(DEFAULTS.maxHeaderBytes()) + "\r\n\r\n"),
        Arguments.of(414, "GET /" + "a".repeat(DEFAULTS.maxRequestLine()), "Host: guard.test\r\n\r\n"));
  }

  /**
   * Regression: in a tunnel, Content-Length with Transfer-Encoding was forwarded (Netty dropped the
   * Content-Length), as were bad chunking, a transfer coding other than chunked and several or
   * invalid Host headers; a too long request line or head got a plain 400.
   */
  @ParameterizedTest
  @MethodSource("badRequests")
  void badRequest_inATunnel_getsWhatAPlainOneGets_andTheTunnelCloses(
      int status, String method, String rest) throws Exception {
    String path = method.contains(" ") ? "" : " /bad";
    String line = method + path + " HTTP/1.1\r\n";
    String plainLine = line.replaceFirst(" /", " http://" + HOST + ":" + origin.port() + "/");
    int before = origin.requests.get();
    RawHttp.Response plain;
    try (RawHttp c = new RawHttp(proxy.address())) {
      plain = c.send(plainLine + rest);
    }
    assertEquals(status, plain.status(), "plain: " + plain.body());
    try (Socket s = connect(); SSLSocket tls = tls(s)) {
      write(tls, line + rest);
      Answer intercepted = InterceptedReuseTest.read(tls.getInputStream(), false);
      assertEquals(status, intercepted.status(), "intercepted: " + intercepted.body());
      assertEquals(plain.body(), intercepted.body());
      assertEquals("close", intercepted.headers().get("connection"));
      assertEquals(-1, tls.getInputStream().read(), "the tunnel is closed");
    }
    assertEquals(before, origin.requests.get(), "neither reached the origin whole");
  }

  /**
   * Regression: a head trickled byte by byte inside a tunnel was cut off only by the idle timeout
   * (70 s by default, restarted by every byte), never by the head timeout.
   */
  @Test
  void headTrickledInATunnel_getsA408_withinTheHeadTimeout() throws Exception {
    int before = origin.requests.get();
    try (Socket s = connect(); SSLSocket tls = tls(s)) {
      write(tls, "GET /slow HTTP/1.1\r\nHost: " + HOST + "\r\n");
      long start = System.nanoTime();
      // one header byte every 100 ms, while this thread waits for the answer
      Thread trickle =
          new Thread(
              () -> {
                try {
                  while (true) {
                    write(tls, "X");
                    Thread.sleep(100);
                  }
                } catch (IOException | InterruptedException cutOff) {
                  // the proxy closed the tunnel, or the test is over
                }
              });
      trickle.start();
      Answer cutOff;
      try {
        cutOff = InterceptedReuseTest.read(tls.getInputStream(), false);
      } catch (SocketTimeoutException e) {
        throw new AssertionError("a trickling client must be cut off; nothing came in 10 s", e);
      } finally {
        trickle.interrupt();
        trickle.join();
      }
      assertEquals(408, cutOff.status());
      assertEquals("webfilter: the request head came too slowly\n", cutOff.body());
      assertEquals("close", cutOff.headers().get("connection"));
      assertTrue(System.nanoTime() - start < HEAD_TIMEOUT.plusSeconds(2).toNanos(), "in time");
    }
    assertEquals(before, origin.requests.get());
  }

  /**
   * Regression: an origin answering 101 without {@code Sec-WebSocket-Accept} (which Netty reads as
   * a 101 with a body) lost what it sent after the head on the intercepting path. With the header,
   * the bytes that came in the same write as the head get through as well.
   */
  @ParameterizedTest
  @ValueSource(strings = {"/ws-greet-old", "/ws-greet"})
  void switchingProtocols_bytesInTheSameWriteAsThe101_reachTheClient(String path) throws Exception {
    try (Socket s = connect(); SSLSocket tls = tls(s)) {
      write(tls, "GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
      Answer switched = InterceptedReuseTest.read(tls.getInputStream(), true);
      assertEquals(101, switched.status());
      byte[] greeting = CountingOrigin.GREETING.getBytes(StandardCharsets.ISO_8859_1);
      assertEquals(CountingOrigin.GREETING,
          new String(tls.getInputStream().readNBytes(greeting.length), StandardCharsets.ISO_8859_1));
      byte[] frame = {(byte) 0x81, 0x02, 'h', 'i'};
      tls.getOutputStream().write(frame);
      tls.getOutputStream().flush();
      assertEquals(new String(frame, StandardCharsets.ISO_8859_1),
          new String(tls.getInputStream().readNBytes(frame.length), StandardCharsets.ISO_8859_1),
          "then an echo both ways");
      // frames are no request head: a pause longer than the head timeout must not cut them off
      Thread.sleep(HEAD_TIMEOUT.toMillis() + 500);
      tls.getOutputStream().write(frame);
      tls.getOutputStream().flush();
      assertEquals(new String(frame, StandardCharsets.ISO_8859_1),
          new String(tls.getInputStream().readNBytes(frame.length), StandardCharsets.ISO_8859_1),
          "still relaying after a pause");
    }
  }

  // ---- the client ----

  private static String get(String path, int headers) {
    StringBuilder s = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\n");
    for (int i = 1; i < headers; i++) {
      s.append("X-Extra-").append(i).append(": ").append(i).append("\r\n");
    }
    return s.append("\r\n").toString();
  }

  /** One request in a tunnel of its own, and its answer. */
  private static Answer inTunnel(String request) throws Exception {
    try (Socket s = connect(); SSLSocket tls = tls(s)) {
      write(tls, request);
      return InterceptedReuseTest.read(tls.getInputStream(), false);
    }
  }

  /** A socket to the proxy with a CONNECT tunnel to the origin established. */
  private static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(proxy.address(), 5_000);
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    String authority = HOST + ":" + origin.port();
    out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    assertEquals(200, InterceptedReuseTest.read(s.getInputStream(), true).status(), "CONNECT");
    return s;
  }

  private static SSLSocket tls(Socket s) throws IOException {
    SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(s, HOST, origin.port(), true);
    tls.startHandshake();
    return tls;
  }

  private static void write(SSLSocket tls, String text) throws IOException {
    tls.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    tls.getOutputStream().flush();
  }
}
