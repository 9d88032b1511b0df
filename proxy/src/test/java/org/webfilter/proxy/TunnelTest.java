package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/**
 * CONNECT tunnels decided on the TLS server name, and the circumvention rules, through the real
 * proxy on raw sockets. Pupils are restricted, staff are not.
 */
class TunnelTest {
  private static final TestPolicy policy = new TestPolicy();
  private static final CollectingSink events = new CollectingSink();
  private static TcpOrigin origin;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    origin = new TcpOrigin();
    ProxySettings settings =
        new ProxySettings(
            "127.0.0.1",
            0,
            List.of(Cidr.parse("127.0.0.0/8")),
            Map.of(
                "allowed.test", "127.0.0.1",
                "other.test", "127.0.0.1",
                "blocked.test", "127.0.0.1",
                "127.0.0.1", "127.0.0.1"),
            "tunnel-node");
    ProxyOptions options =
        ProxyOptions.defaults()
            .withRestrictRole(role -> role.equals("pupil"))
            .withConnectPorts(Set.of(443, origin.port()));
    proxy =
        ProxyServer.start(settings, () -> policy, events, Clock.systemUTC(), Optional.empty(), options);
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close();
    origin.close();
  }

  /** Opens a tunnel and returns the socket positioned after the 200. */
  private static Socket tunnel(String authority, String extraHeaders) throws Exception {
    Socket s = new Socket();
    s.connect(proxy.address(), 2_000);
    s.setSoTimeout(10_000);
    ConnectRequest.establish(s, authority, extraHeaders);
    return s;
  }

  private static byte[] readAll(InputStream in) throws Exception {
    return in.readAllBytes();
  }

  private static final byte[] ACCESS_DENIED = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31};

  @Test
  void twoPipelinedConnects_secondGets400_andTheConnectionCloses() throws Exception {
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 2_000);
      s.setSoTimeout(10_000);
      String one = "CONNECT allowed.test:" + origin.port() + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n";
      s.getOutputStream().write((one + one).getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1); // ends: closed
      assertTrue(all.startsWith("HTTP/1.1 200"), all);
      assertTrue(all.contains("HTTP/1.1 400"), all);
    }
    events.await(e -> "proxy.bad-request".equals(e.rule()) && e.url() != null && e.url().startsWith("allowed.test"));
  }

  @Test
  void connectToIp_decidesOnSniName() throws Exception {
    try (Socket s = tunnel("127.0.0.1:" + origin.port(), "")) {
      s.getOutputStream().write(TlsHellos.clientHello("blocked.test"));
      assertArrayEquals(ACCESS_DENIED, readAll(s.getInputStream()));
    }
    AccessEvent e = events.await(ev -> "blocked.test".equals(ev.host()) && "CONNECT".equals(ev.method()));
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals("pupil.category.adult", e.rule());
    assertEquals(403, e.status());
  }

  @Test
  void connectToIp_withAllowedSni_forwardsTheHelloUnchanged() throws Exception {
    byte[] hello = TlsHellos.clientHello("allowed.test");
    try (Socket s = tunnel("127.0.0.1:" + origin.port(), "")) {
      s.getOutputStream().write(hello);
      byte[] got = origin.next();
      assertArrayEquals(hello, got);
      assertEquals("pong", new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
    }
    AccessEvent e = events.await(
            ev -> "allowed.test".equals(ev.host()) && "default.allow".equals(ev.rule()));
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
    assertEquals("allowed.test:" + origin.port(), e.url());
  }

  @Test
  void connectToIp_withoutSni_isRefusedForPupils() throws Exception {
    try (Socket s = tunnel("127.0.0.1:" + origin.port(), "")) {
      s.getOutputStream().write(TlsHellos.clientHello(null));
      assertArrayEquals(ACCESS_DENIED, readAll(s.getInputStream()));
    }
    AccessEvent e =
        events.await(ev -> Circumvention.IP_LITERAL_RULE.equals(ev.rule()) && "CONNECT".equals(ev.method()));
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertTrue(e.categories().contains("proxy-avoidance"), e.categories().toString());
  }

  @Test
  void sniDifferentFromConnectHost_appliesStricterDecisionAndFlagsFronting() throws Exception {
    try (Socket s = tunnel("allowed.test:" + origin.port(), "")) {
      s.getOutputStream().write(TlsHellos.clientHello("blocked.test"));
      assertArrayEquals(ACCESS_DENIED, readAll(s.getInputStream()));
    }
    AccessEvent e = events.await(ev -> Circumvention.FRONTING_RULE.equals(ev.rule()) && ev.status() == 403);
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals("allowed.test", e.host());
    assertTrue(e.reason().contains("pupil.category.adult"), e.reason());
  }

  @Test
  void sniDifferentFromConnectHost_bothAllowed_isRelayedButLogged() throws Exception {
    try (Socket s = tunnel("allowed.test:" + origin.port(), "")) {
      s.getOutputStream().write(TlsHellos.clientHello("other.test"));
      assertNotNull(origin.next());
    }
    AccessEvent e = events.await(ev -> Circumvention.FRONTING_RULE.equals(ev.rule()) && ev.status() == 200);
    assertEquals(AccessEvent.Verdict.LOG, e.decision());
  }

  @Test
  void nonTlsInsideConnectTo443_isRefusedForPupils() throws Exception {
    try (Socket s = tunnel("allowed.test:443", "")) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n".getBytes());
      String all = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
      assertTrue(all.startsWith("HTTP/1.1 403"), all);
      assertTrue(all.contains("rule=" + Circumvention.NON_TLS_RULE), all);
    }
    AccessEvent e = events.await(ev -> Circumvention.NON_TLS_RULE.equals(ev.rule()));
    assertEquals(403, e.status());
  }

  @Test
  void nonTlsInsideConnectTo443_isRelayedForStaff() throws Exception {
    // staff are not restricted; 443 is mapped to nowhere, so the tunnel fails upstream (502), not 403
    String login =
        "Proxy-Authorization: Basic "
            + Base64.getEncoder().encodeToString("staff:pw".getBytes(StandardCharsets.UTF_8))
            + "\r\n";
    try (Socket s = tunnel("other.test:443", login)) {
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: other.test\r\n\r\n".getBytes());
      readAll(s.getInputStream());
    }
    AccessEvent e = events.await(ev -> "other.test".equals(ev.host()) && "staff".equals(ev.role()));
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
    assertEquals(502, e.status());
  }

  @Test
  void connectToPortNotAllowed_gets403() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r = c.send("CONNECT allowed.test:8443 HTTP/1.1\r\nHost: allowed.test:8443\r\n\r\n");
      assertEquals(403, r.status());
      assertTrue(r.header("x-webfilter-block").contains("rule=" + Circumvention.PORT_RULE));
    }
    assertTrue(origin.nothingReceived());
  }

  @Test
  void dohResolver_isBlockedForPupils_withoutAnyList() throws Exception {
    for (String host : List.of("dns.google", "mozilla.cloudflare-dns.com", "dns.quad9.net")) {
      try (RawHttp c = new RawHttp(proxy.address())) {
        RawHttp.Response r = c.send("CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\n\r\n");
        assertEquals(403, r.status(), host);
        assertTrue(r.header("x-webfilter-block").startsWith("proxy-avoidance; rule=circumvention.doh"));
      }
    }
    AccessEvent e = events.await(ev -> "dns.quad9.net".equals(ev.host()));
    assertEquals(Circumvention.DOH_RULE, e.rule());
  }

  @Test
  void ipLiteralHttpRequest_isRefusedForPupils() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r = c.send("GET http://93.184.215.14/ip-literal HTTP/1.1\r\nHost: 93.184.215.14\r\n\r\n");
      assertEquals(403, r.status());
      assertTrue(r.header("x-webfilter-block").contains("rule=" + Circumvention.IP_LITERAL_RULE));
      assertTrue(r.body().contains("by name"), r.body());
    }
  }
}
