package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.ProxySettings;
import org.webfilter.proxy.InterceptedReuseTest.Answer;
import org.webfilter.proxy.InterceptedReuseTest.Certified;

/**
 * What a client sends right after a request asking to upgrade (a WebSocket handshake), before the
 * origin has answered it. If the origin switches protocols (101), those bytes are the new
 * protocol's: they must reach the origin as they are, once, in order, ahead of anything sent later.
 * If it does not, the connection is still HTTP and they are the client's next request: decoded and
 * decided like any other, never relayed raw on the upstream connection (which would smuggle a
 * request past the filter).
 *
 * <p>Each test runs plain (absolute-form requests to the proxy) and inside an intercepted tunnel
 * (CONNECT, then TLS trusting the school CA). The client is a raw socket, so it can send before the
 * 101; the origin ({@link CountingOrigin}) answers {@code /late/...} {@value
 * CountingOrigin#LATE_MILLIS} ms late and echoes every byte after a 101. The proxy allows 1 s for a
 * request head.
 */
class UpgradeEarlyBytesTest {
  private static final String HOST = "ws.test";
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(1);
  /** RFC 6455's masked "Hello" frame, as a client sends it. */
  private static final byte[] FRAME = {
    (byte) 0x81, (byte) 0x85, 0x37, (byte) 0xfa, 0x21, 0x3d, 0x7f, (byte) 0x9f, 0x4d, 0x51, 0x58
  };

  @TempDir static Path dir;
  private static CountingOrigin origin;
  private static ProxyServer proxy;
  private static SSLContext trustingSchoolCa;

  @BeforeAll
  static void start() throws Exception {
    Certified cert = InterceptedReuseTest.selfSigned(List.of(HOST));
    var tls = SslContextBuilder.forServer(cert.kp().getPrivate(), cert.cert()).build();
    origin = new CountingOrigin(tls);
    ProxyLimits d = ProxyLimits.DEFAULTS;
    ProxyOptions options =
        ProxyOptions.defaults()
            .withLimits(new ProxyLimits(d.maxRequestLine(), d.maxHeaderBytes(), d.maxHeaderCount(),
                d.maxConnectionsPerClient(), d.idleTimeout(), HEAD_TIMEOUT, d.connectTimeout()))
            .withConnectPorts(Set.of(origin.port()))
            .withInterception(dir.resolve("ca"), role -> true)
            .withUpstreamTrust(List.of(cert.cert()));
    proxy =
        ProxyServer.start(
            new ProxySettings(
                "127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), Map.of(HOST, "127.0.0.1"),
                "ws-node"),
            TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(), options, 1);
    trustingSchoolCa =
        InterceptedReuseTest.trusting(InterceptedReuseTest.schoolCa(proxy.address()));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }

  // ---- the origin switches protocols ----

  /**
   * Regression: a frame sent with the handshake, before the 101, was decoded as a request. Plain,
   * that was a 400 ("malformed request") and the connection closed before the handshake even
   * reached the origin; in a tunnel the 101 came, but the frame never reached the origin.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_frameSentWithTheHandshake_reachesTheOriginOnce_beforeLaterBytes(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/late/ws", ""), FRAME);
      assertEquals(101, c.head().status());
      byte[] later = {(byte) 0x82, (byte) 0x81, 1, 2, 3, 4, 5};
      c.write(later);
      assertEquals(hex(FRAME) + hex(later), hex(c.in.readNBytes(FRAME.length + later.length)),
          "the origin echoes what it got");
      c.assertNothingMore();
    }
  }

  /**
   * Regression: bytes after the handshake that look like a request (here, for a blocked page) were
   * decoded as one, and dropped when the 101 came. After a 101 they are the new protocol's bytes:
   * relayed as they are, not decided (the origin switched: nothing the client sends to it now is a
   * request the proxy could decide anyway).
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_bytesThatLookLikeARequest_areRelayedAsBytes(boolean intercepted) throws Exception {
    try (Client c = new Client(intercepted)) {
      byte[] early = c.get("/blocked/page", "").getBytes(StandardCharsets.ISO_8859_1);
      c.write(c.upgrade("/late/ws", ""), early);
      assertEquals(101, c.head().status());
      assertEquals(new String(early, StandardCharsets.ISO_8859_1),
          new String(c.in.readNBytes(early.length), StandardCharsets.ISO_8859_1));
      c.assertNothingMore();
    }
  }

  /**
   * Regression: a frame sent on its own after the handshake but before the 101 started the request
   * head timer, which then answered 408 into the WebSocket and closed it (plain), and the frame
   * never reached the origin. Here the origin takes longer than the head timeout to answer: the
   * wait is the origin's, the frame is no slow request head.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_frameSentAloneBeforeASlow101_arrives_andStartsNoHeadTimer(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/late" + (HEAD_TIMEOUT.toMillis() + 500) + "/ws", ""));
      Thread.sleep(100); // the handshake is at the origin, not answered yet
      c.write(FRAME);
      assertEquals(101, c.head().status());
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)));
      c.write(FRAME);
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)), "then the relay goes on");
    }
  }

  /**
   * Regression: a frame sent with a handshake that was pipelined behind another request was
   * decoded as a request (400, and the connection closed). What follows a request that asks to
   * upgrade waits undecoded from the moment that request is decoded, not from when it is sent.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_handshakePipelinedBehindARequest_frameAfterItIsRelayed(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.get("/late/first", "") + c.upgrade("/late/ws", ""), FRAME);
      Answer first = c.read();
      assertEquals(200, first.status());
      assertTrue(first.body().startsWith("/first "), first.body());
      assertEquals(101, c.head().status());
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)));
      c.assertNothingMore();
    }
  }

  /**
   * A refused handshake, then a second one in the same write, then a frame: the first answer
   * sends what waited through the decoder again, which stops again after the second handshake.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void notSwitched_thenASecondHandshake_isSwitched_andTheFrameRelayed(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/late/status-426", "") + c.upgrade("/late/ws", ""), FRAME);
      assertEquals(426, c.read().status());
      assertEquals(101, c.head().status());
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)));
      c.assertNothingMore();
    }
  }

  /**
   * A handshake with a body: the body reaches the origin as the request's body, and what follows
   * the body (not what follows the head) is the new protocol's.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_handshakeWithABody_bodyIsTheRequests_bytesAfterItAreRelayed(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/late/ws-with-body", "Content-Length: 5\r\n") + "hello", FRAME);
      assertEquals(101, c.head().status());
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)));
      c.assertNothingMore();
    }
    assertTrue(origin.seen.contains("GET /late/ws-with-body body=hello"), origin.seen.toString());
  }

  /**
   * Regression: a client asking to close after its handshake ({@code Connection: Upgrade, close})
   * got a 101 saying {@code Connection: close} on the plain path, which no WebSocket client accepts
   * (RFC 6455 §4.1: it must say Upgrade). After a 101 the connection is no longer HTTP; it stays
   * open as the relay.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switched_handshakeAskingToClose_101SaysUpgrade_andRelays(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgradeAndClose("/late/ws"), FRAME);
      Answer switched = c.head();
      assertEquals(101, switched.status());
      String connection = switched.headers().get("connection");
      assertEquals("upgrade", connection.toLowerCase(), switched.headers().toString());
      assertEquals(hex(FRAME), hex(c.in.readNBytes(FRAME.length)));
    }
  }

  /**
   * Regression: a 101 the origin sent before it had the request's body was relayed, and the rest
   * of the body went on as raw bytes or was lost. The two ends no longer agree what the connection
   * carries: a 502, and the connection closes.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switchedBeforeTheBodyWasSent_is502_andCloses(boolean intercepted) throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/ws-before-body", "Content-Length: 5\r\n"));
      Answer a = c.read();
      assertEquals(502, a.status());
      assertEquals("close", a.headers().get("connection"));
      c.assertClosed();
    }
  }

  /**
   * Regression: a 101 to a request that did not ask to upgrade was relayed, and the requests
   * pipelined behind it were dropped. The origin may switch only to what was asked (RFC 9110
   * §7.8): a 502, and the connection stays HTTP.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void switchedUnasked_is502_andThePipelinedRequestIsServed(boolean intercepted) throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.get("/late/ws", "") + c.get("/after", ""));
      assertEquals(502, c.read().status());
      Answer after = c.read();
      assertEquals(200, after.status());
      assertTrue(after.body().startsWith("/after "), after.body());
    }
  }

  // ---- the origin does not switch: the connection is still HTTP ----

  /**
   * What follows a handshake the origin refused is the next request: it gets the block page, and
   * never reaches the origin; the allowed one behind it is served.
   */
  @ParameterizedTest(name = "{0} intercepted={1}")
  @CsvSource({"200,false", "200,true", "403,false", "403,true", "426,false", "426,true"})
  void notSwitched_bytesAfterTheHandshake_areTheNextRequests_andAreDecided(
      int status, boolean intercepted) throws Exception {
    int before = origin.requests.get();
    try (Client c = new Client(intercepted)) {
      String handshake = c.upgrade("/late/status-" + status, "");
      c.write(handshake + c.get("/blocked/page", "") + c.get("/after", ""));
      assertEquals(status, c.read().status());
      Answer blocked = c.read();
      assertEquals(403, blocked.status());
      assertTrue(blocked.headers().containsKey("x-webfilter-block"), blocked.headers().toString());
      Answer after = c.read();
      assertEquals(200, after.status());
      assertTrue(after.body().startsWith("/after "), after.body());
    }
    assertEquals(before + 2, origin.requests.get(), "the handshake and /after, not the other");
    assertFalse(
        origin.seen.stream().anyMatch(s -> s.contains("/blocked/")), origin.seen.toString());
  }

  /**
   * The head timer is held while bytes wait for the origin's answer, and only then: the start of
   * a head after a refused handshake, then trickled a byte every 100 ms, gets the 408 within the
   * head timeout.
   */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void notSwitched_aHeadTrickledAfterTheHandshake_getsA408(boolean intercepted) throws Exception {
    try (Client c = new Client(intercepted)) {
      String unfinished = c.get("/trickled", "").replace("\r\n\r\n", "\r\n");
      c.write(c.upgrade("/late/status-426", "") + unfinished);
      assertEquals(426, c.read().status());
      long start = System.nanoTime();
      Thread trickle =
          new Thread(
              () -> {
                try {
                  while (true) {
                    c.write("X");
                    Thread.sleep(100);
                  }
                } catch (IOException | InterruptedException cutOff) {
                  // the proxy closed the connection, or the test is over
                }
              });
      trickle.start();
      Answer slow;
      try {
        slow = c.read();
      } finally {
        trickle.interrupt();
        trickle.join();
      }
      assertEquals(408, slow.status());
      assertTrue(System.nanoTime() - start < HEAD_TIMEOUT.plusSeconds(2).toNanos(), "in time");
    }
  }

  /** A handshake to a blocked page gets the block page; what follows is the next request. */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void blockedHandshake_bytesAfterIt_areTheNextRequest(boolean intercepted) throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/blocked/ws", "") + c.get("/after", ""));
      Answer blocked = c.read();
      assertEquals(403, blocked.status());
      assertTrue(blocked.headers().containsKey("x-webfilter-block"), blocked.headers().toString());
      Answer after = c.read();
      assertEquals(200, after.status());
      assertTrue(after.body().startsWith("/after "), after.body());
    }
  }

  /** The client asked to close: the response is the last thing on the connection. */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void notSwitched_clientAskedToClose_bytesAfterTheHandshakeGoNowhere(boolean intercepted)
      throws Exception {
    int before = origin.requests.get();
    try (Client c = new Client(intercepted)) {
      c.write(c.upgradeAndClose("/late/status-426") + c.get("/after", ""));
      Answer refused = c.read();
      assertEquals(426, refused.status());
      assertEquals("close", refused.headers().get("connection"));
      c.assertClosed();
    }
    assertEquals(before + 1, origin.requests.get(), "only the handshake");
  }

  /** The origin refused and closed its connection: the next request goes on a new one. */
  @ParameterizedTest(name = "intercepted={0}")
  @ValueSource(booleans = {false, true})
  void notSwitched_originClosed_theNextRequestGoesOnANewConnection(boolean intercepted)
      throws Exception {
    try (Client c = new Client(intercepted)) {
      c.write(c.upgrade("/late/close-now", "") + c.get("/after", ""));
      Answer refused = c.read();
      assertEquals(200, refused.status());
      Answer after = c.read();
      assertEquals(200, after.status());
      assertTrue(after.body().startsWith("/after "), after.body());
      assertNotEquals(refused.connection(), after.connection());
    }
  }


  // ---- the client ----

  private static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02x", x));
    }
    return s.toString();
  }

  /** A client connection to {@link #HOST} through the proxy: plain, or in an intercepted tunnel. */
  private static final class Client implements AutoCloseable {
    private final boolean intercepted;
    private final Socket socket;
    private final Socket tcp;
    final InputStream in;
    final OutputStream out;

    Client(boolean intercepted) throws IOException {
      this.intercepted = intercepted;
      tcp = new Socket();
      tcp.connect(proxy.address(), 5_000);
      tcp.setSoTimeout(5_000);
      if (intercepted) {
        String authority = HOST + ":" + origin.port();
        String connect = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
        tcp.getOutputStream().write(connect.getBytes(StandardCharsets.ISO_8859_1));
        Answer established = InterceptedReuseTest.read(tcp.getInputStream(), true);
        assertEquals(200, established.status(), "CONNECT");
        SSLSocket tls =
            (SSLSocket)
                trustingSchoolCa.getSocketFactory().createSocket(tcp, HOST, origin.port(), true);
        tls.startHandshake();
        socket = tls;
      } else {
        socket = tcp;
      }
      in = socket.getInputStream();
      out = socket.getOutputStream();
    }

    /** The request line and Host header for {@code path}, in the form this path wants. */
    private String start(String method, String path) {
      String target = intercepted ? path : "http://" + HOST + ":" + origin.port() + path;
      return method + " " + target + " HTTP/1.1\r\nHost: " + HOST + ":" + origin.port() + "\r\n";
    }

    String get(String path, String headers) {
      return start("GET", path) + headers + "\r\n";
    }

    /** A WebSocket handshake head for {@code path}, with extra header lines. */
    String upgrade(String path, String headers) {
      return start("GET", path)
          + "Connection: Upgrade\r\nUpgrade: websocket\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
          + headers
          + "\r\n";
    }

    /** A handshake that also asks to close the connection after its response. */
    String upgradeAndClose(String path) {
      return upgrade(path, "").replace("Connection: Upgrade", "Connection: Upgrade, close");
    }

    /** One write: the text, then the bytes (in a tunnel, TLS may still split them in records). */
    void write(String text, byte[] bytes) throws IOException {
      byte[] t = text.getBytes(StandardCharsets.ISO_8859_1);
      byte[] all = new byte[t.length + bytes.length];
      System.arraycopy(t, 0, all, 0, t.length);
      System.arraycopy(bytes, 0, all, t.length, bytes.length);
      write(all);
    }

    void write(String text) throws IOException {
      write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    void write(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    Answer head() throws IOException {
      return InterceptedReuseTest.read(in, true);
    }

    Answer read() throws IOException {
      return InterceptedReuseTest.read(in, false);
    }

    /** Nothing else arrives within 300 ms: no byte twice, no response of the proxy's. */
    void assertNothingMore() throws IOException {
      socket.setSoTimeout(300);
      assertThrows(SocketTimeoutException.class, in::read);
    }

    void assertClosed() throws IOException {
      try {
        assertEquals(-1, in.read(), "the connection is closed");
      } catch (java.net.SocketException e) {
        // reset: closed as well
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
      tcp.close();
    }
  }
}
