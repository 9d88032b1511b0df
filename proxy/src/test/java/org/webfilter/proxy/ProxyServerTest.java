package org.webfilter.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/** The proxy with real clients and a real origin (WireMock) on ephemeral loopback ports. */
class ProxyServerTest {
  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static final TestPolicy policy = new TestPolicy();
  private static final CollectingSink events = new CollectingSink();
  private static ProxyServer proxy;
  private static HttpClient client;

  @BeforeAll
  static void startProxy() {
    proxy =
        ProxyServer.start(
            settings(List.of(Cidr.parse("127.0.0.0/8"))),
            () -> policy,
            events,
            Clock.systemUTC(),
            Optional.of("http://ui.test:8080/"),
            ProxyOptions.defaults().withConnectPorts(java.util.Set.of(443, origin.getPort())));
    client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(proxy.address()))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void reset() {
    policy.loginRequired.set(false);
    origin.stubFor(any(anyUrl()).willReturn(ok("hello from origin")));
  }

  static ProxySettings settings(List<Cidr> allowed) {
    return new ProxySettings(
        "127.0.0.1",
        0,
        allowed,
        Map.of(
            "allowed.test", "127.0.0.1", "blocked.test", "127.0.0.1", "logged.test", "127.0.0.1"),
        "test-node");
  }

  private String url(String host, String path) {
    return "http://" + host + ":" + origin.getPort() + path;
  }

  private HttpResponse<String> fetch(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private RawHttp raw() throws Exception {
    return new RawHttp(proxy.address());
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void clientConnectionClose_isAnsweredWithClose_andTheConnectionEnds() throws Exception {
    for (String host : List.of("allowed.test", "blocked.test")) { // relayed, and our own block page
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(proxy.address(), 2_000);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(("GET " + url(host, "/close") + " HTTP/1.1\r\nHost: " + host
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        // readAllBytes returns only when the proxy closes the connection
        String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        String head = all.substring(0, all.indexOf("\r\n\r\n")).toLowerCase(java.util.Locale.ROOT);
        assertTrue(head.contains("\r\nconnection: close"), head);
      }
    }
  }

  @Test
  void allowedRequest_reachesOriginAndReturnsBody() throws Exception {
    origin.stubFor(get(urlPathEqualTo("/hello")).willReturn(ok("hi from origin")));
    Instant before = Instant.now();

    HttpResponse<String> r = fetch(url("allowed.test", "/hello?x=1"));

    assertEquals(200, r.statusCode());
    assertEquals("hi from origin", r.body());
    assertContains(r.headers().firstValue("via").orElse(""), "test-node");
    origin.verify(getRequestedFor(urlEqualTo("/hello?x=1")));

    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/hello?x=1"));
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
    assertEquals(1, e.schemaVersion());
    assertNull(e.user());
    assertEquals("pupil", e.role());
    assertEquals("127.0.0.1", e.clientIp());
    assertEquals("GET", e.method());
    assertEquals("http", e.scheme());
    assertEquals("allowed.test", e.host());
    assertEquals(origin.getPort(), e.port());
    assertEquals(url("allowed.test", "/hello?x=1"), e.url());
    assertEquals("default.allow", e.rule());
    assertEquals(200, e.status());
    assertTrue(e.bytesIn() > 0);
    assertTrue(e.bytesOut() > "hi from origin".length(), "" + e.bytesOut());
    assertFalse(e.intercepted());
    assertEquals("test-node", e.proxyNode());
    assertNull(e.device());
    assertNull(e.searchTerms());
    assertFalse(e.time().isBefore(before.minusMillis(1)) || e.time().isAfter(Instant.now()));
    assertEquals(0, e.time().getNano() % 1_000_000);
  }

  @Test
  void loggedCategory_isRelayedAndEventSaysLog() throws Exception {
    HttpResponse<String> r = fetch(url("logged.test", "/chat"));

    assertEquals(200, r.statusCode());
    AccessEvent e = events.await(ev -> "logged.test".equals(ev.host()));
    assertEquals(AccessEvent.Verdict.LOG, e.decision());
    assertEquals(List.of("chat"), e.categories());
    assertEquals("pupil.log.chat", e.rule());
  }

  @Test
  void blockedHost_gets403WithBlockPageAndHeader() throws Exception {
    String target = "http://blocked.test/<script>alert(1)</script>?q=\"x\"";
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r = c.send("GET " + target + " HTTP/1.1\r\nHost: blocked.test\r\n\r\n");
    }

    assertEquals(403, r.status());
    assertStartsWith(r.header("content-type"), "text/html");
    String header = r.header("x-webfilter-block");
    assertTrue(header.matches("adult; rule=pupil\\.category\\.adult; ref=[0-9a-f-]{36}"), header);
    String ref = header.substring(header.indexOf("ref=") + 4);
    String body = r.body();
    assertFalse(body.contains("<script>"), body);
    assertContains(body, "&lt;script&gt;alert(1)&lt;/script&gt;");
    assertContains(body, "&quot;x&quot;");
    assertContains(body, "Adult sites are blocked for pupils");
    assertContains(body, "pupil blocks adult &lt;b&gt;");
    assertContains(body, "127.0.0.1");
    assertContains(body, ref);
    assertContains(body, "action=\"http://ui.test:8080/api/review-requests\"");
    assertContains(body, "name=\"ref\" value=\"" + ref + "\"");
    assertEquals(
        body.getBytes(StandardCharsets.UTF_8).length, Integer.parseInt(r.header("content-length")));
    origin.verify(0, anyRequestedFor(anyUrl()));

    AccessEvent e = events.await(ev -> ev.eventId().toString().equals(ref));
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals("pupil.category.adult", e.rule());
    assertEquals("Adult sites are blocked for pupils", e.reason());
    assertEquals(List.of("adult", "dating"), e.categories());
    assertEquals(403, e.status());
    assertEquals("blocked.test", e.host());
    assertEquals(80, e.port());
    assertEquals("pupil", e.role());
    assertTrue(e.bytesOut() > r.body().length(), "" + e.bytesOut());
  }

  @Test
  void blockedConnect_gets403WithHeaderAndClosesConnection() throws Exception {
    try (RawHttp c = raw()) {
      RawHttp.Response r =
          c.send("CONNECT blocked.test:443 HTTP/1.1\r\nHost: blocked.test:443\r\n\r\n");

      assertEquals(403, r.status());
      assertStartsWith(r.header("x-webfilter-block"), "adult; rule=pupil.category.adult; ref=");
      assertEquals("close", r.header("connection").toLowerCase());
      assertTrue(c.closedByPeer());
    }
    AccessEvent e =
        events.await(ev -> "CONNECT".equals(ev.method()) && "blocked.test".equals(ev.host()));
    assertEquals("https", e.scheme());
    assertEquals(443, e.port());
    assertEquals("blocked.test:443", e.url());
    assertEquals(403, e.status());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
  }

  @Test
  void allowedConnect_tunnelsBytesAndLogs200() throws Exception {
    try (RawHttp c = raw()) {
      String authority = "allowed.test:" + origin.getPort();
      RawHttp.Response r =
          c.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
      assertEquals(200, r.status());

      // the tunnel is opaque to the proxy: speak plain HTTP to the origin through it
      RawHttp.Response inner = c.send("GET /tunnelled HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      assertEquals(200, inner.status());
      assertEquals("hello from origin", inner.body());
    }
    AccessEvent e =
        events.await(ev -> "CONNECT".equals(ev.method()) && "allowed.test".equals(ev.host()));
    assertEquals(200, e.status());
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
    assertEquals("allowed.test:" + origin.getPort(), e.url());
  }

  @Test
  void loginRequired_gets407WithProxyAuthenticate() throws Exception {
    policy.loginRequired.set(true);
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r =
          c.send(
              "GET " + url("allowed.test", "/login") + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
    }

    assertEquals(407, r.status());
    assertEquals("Basic realm=\"webfilter\"", r.header("proxy-authenticate"));
    assertContains(r.body(), "log in");
    origin.verify(0, anyRequestedFor(anyUrl()));
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/login"));
    assertEquals("proxy.login-required", e.rule());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals(407, e.status());
    assertEquals("none", e.role());
  }

  @Test
  void goodCredentials_browseAsStaffAndPasswordIsNotForwarded() throws Exception {
    policy.loginRequired.set(true);
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r =
          c.send(
              "GET "
                  + url("blocked.test", "/staff-only")
                  + " HTTP/1.1\r\nHost: blocked.test\r\n"
                  + "Proxy-Authorization: Basic "
                  + basic("staff", "pw")
                  + "\r\n\r\n");
    }

    assertEquals(200, r.status());
    assertEquals("hello from origin", r.body());
    origin.verify(getRequestedFor(urlEqualTo("/staff-only")).withoutHeader("Proxy-Authorization"));
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/staff-only"));
    assertEquals("staff", e.user());
    assertEquals("staff", e.role());
    assertEquals("staff", e.key());
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
  }

  @Test
  void wrongOrMalformedCredentials_get407() throws Exception {
    try (RawHttp c = raw()) {
      RawHttp.Response wrong =
          c.send(
              "GET "
                  + url("allowed.test", "/wrong")
                  + " HTTP/1.1\r\nHost: allowed.test\r\n"
                  + "Proxy-Authorization: Basic "
                  + basic("staff", "nope")
                  + "\r\n\r\n");
      assertEquals(407, wrong.status());
      assertEquals("Basic realm=\"webfilter\"", wrong.header("proxy-authenticate"));

      // same connection: the 407 keeps it open for the retry
      RawHttp.Response malformed =
          c.send(
              "GET "
                  + url("allowed.test", "/malformed")
                  + " HTTP/1.1\r\nHost: allowed.test\r\n"
                  + "Proxy-Authorization: Basic !!!notbase64\r\n\r\n");
      assertEquals(407, malformed.status());
    }
    AccessEvent wrong = events.await(ev -> ev.url() != null && ev.url().endsWith("/wrong"));
    assertEquals("proxy.login-failed", wrong.rule());
    assertEquals("staff", wrong.user());
    AccessEvent malformed = events.await(ev -> ev.url() != null && ev.url().endsWith("/malformed"));
    assertEquals("proxy.login-failed", malformed.rule());
    assertNull(malformed.user());
    origin.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void clientOutsideAllowedNetworks_gets403() throws Exception {
    CollectingSink sink = new CollectingSink();
    try (ProxyServer other =
        ProxyServer.start(
            settings(List.of(Cidr.parse("10.0.0.0/8"))), () -> policy, sink, Clock.systemUTC())) {
      RawHttp.Response r;
      try (RawHttp c = new RawHttp(other.address())) {
        r = c.send("GET " + url("allowed.test", "/x") + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      }
      assertEquals(403, r.status());
      assertEquals("webfilter: your network is not allowed to use this proxy\n", r.body());
      AccessEvent e = sink.await(ev -> true);
      assertEquals("proxy.client-not-allowed", e.rule());
      assertEquals("none", e.role());
      assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
      assertEquals(403, e.status());
    }
    origin.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void pacFile_namesTheProxyWithoutDirectFallback() throws Exception {
    for (String path : List.of("/proxy.pac", "/wpad.dat")) {
      try (RawHttp c = raw()) {
        RawHttp.Response r =
            c.send("GET " + path + " HTTP/1.1\r\nHost: proxy.school.test:3128\r\n\r\n");
        assertEquals(200, r.status());
        assertEquals("application/x-ns-proxy-autoconfig", r.header("content-type"));
        assertContains(r.body(), "function FindProxyForURL(url, host)");
        assertContains(r.body(), "return \"PROXY proxy.school.test:3128\";");
        assertFalse(r.body().contains("; DIRECT"), r.body());
      }
    }
    try (RawHttp c = raw()) {
      // a Host that is no host name never reaches the PAC file: the request is refused
      RawHttp.Response r = c.send("GET /proxy.pac HTTP/1.1\r\nHost: \"+alert(1)+\"\r\n\r\n");
      assertEquals(400, r.status());
      assertFalse(r.body().contains("alert"), r.body());
    }
    try (RawHttp c = raw()) {
      RawHttp.Response r = c.send("GET /proxy.pac HTTP/1.1\r\n\r\n");
      assertContains(r.body(), "return \"PROXY 127.0.0.1:" + proxy.address().getPort() + "\";");
    }
  }

  @Test
  void requestToTheProxyItself_gets404() throws Exception {
    try (RawHttp c = raw()) {
      RawHttp.Response r =
          c.send(
              "GET /admin HTTP/1.1\r\nHost: 127.0.0.1:" + proxy.address().getPort() + "\r\n\r\n");
      assertEquals(404, r.status());
      assertContains(r.body(), "web proxy");
    }
  }

  @Test
  void garbageRequest_gets400AndProxyKeepsServing() throws Exception {
    try (RawHttp c = raw()) {
      c.write("\u0001\u0002 this is not http at all\r\n\r\n");
      RawHttp.Response r = c.read();
      assertEquals(400, r.status());
    }
    try (RawHttp c = raw()) {
      RawHttp.Response r =
          c.send("GET http://allowed.test:" + origin.getPort() + "/ok HTT/1.1\r\n\r\n");
      assertEquals(400, r.status());
    }
    HttpResponse<String> after = fetch(url("allowed.test", "/after-garbage"));
    assertEquals(200, after.statusCode());
    assertEquals("hello from origin", after.body());
  }

  @Test
  void hostHeaderDifferentFromTarget_isReplacedByTargetAuthority() throws Exception {
    String authority = "allowed.test:" + origin.getPort();
    try (RawHttp c = raw()) {
      RawHttp.Response r =
          c.send("GET http://" + authority + "/vhost HTTP/1.1\r\nHost: blocked.test\r\n\r\n");
      assertEquals(200, r.status());
    }
    origin.verify(getRequestedFor(urlEqualTo("/vhost")).withHeader("Host", equalTo(authority)));
  }

  @Test
  void userinfoTrick_getsBadRequest() throws Exception {
    try (RawHttp c = raw()) {
      RawHttp.Response r =
          c.send("GET http://blocked.test@allowed.test:" + origin.getPort() + "/ HTTP/1.1\r\n\r\n");
      assertEquals(400, r.status());
    }
    origin.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void internalIpLiteral_notInResolve_isRefusedWith403() throws Exception {
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r = c.send("GET http://127.0.0.2:" + origin.getPort() + "/internal HTTP/1.1\r\n\r\n");
    }
    assertEquals(403, r.status());
    assertStartsWith(
        r.header("x-webfilter-block"), "none; rule=proxy.destination-not-allowed; ref=");
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/internal"));
    assertEquals("proxy.destination-not-allowed", e.rule());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    origin.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void nameResolvingToLoopback_notInResolve_isRefused() throws Exception {
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r = c.send("GET http://localhost:" + origin.getPort() + "/via-dns HTTP/1.1\r\n\r\n");
    }
    assertEquals(502, r.status());
    assertStartsWith(r.header("content-type"), "text/plain");
    origin.verify(0, anyRequestedFor(anyUrl()));
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/via-dns"));
    assertEquals(502, e.status());
  }

  /** Regression: the 502 once came without a body the client could read. */
  @Test
  void unresolvableHost_gets502PlainText_withoutEchoingTheUrl() throws Exception {
    RawHttp.Response r;
    try (RawHttp c = raw()) {
      r = c.send("GET http://no-such-host.invalid/%3Cb%3E HTTP/1.1\r\nHost: no-such-host.invalid\r\n\r\n");
    }
    assertEquals(502, r.status());
    assertStartsWith(r.header("content-type"), "text/plain");
    assertEquals("webfilter: cannot reach this web site\n", r.body());
  }

  @Test
  void chunkedUpload_isRelayedAndCounted() throws Exception {
    origin.stubFor(
        any(urlEqualTo("/upload")).willReturn(aResponse().withStatus(201).withBody("got it")));
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(url("allowed.test", "/upload")))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(10_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(201, r.statusCode());
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().endsWith("/upload"));
    assertEquals("POST", e.method());
    assertEquals(201, e.status());
    assertTrue(e.bytesIn() > 10_000, "" + e.bytesIn());
  }

  @Test
  void fixedClock_givesEventTimeAndPolicyTime() throws Exception {
    Instant at = Instant.parse("2026-11-23T10:15:00.123456Z");
    CollectingSink sink = new CollectingSink();
    try (ProxyServer other =
        ProxyServer.start(
            settings(List.of(Cidr.parse("127.0.0.0/8"))),
            () -> policy,
            sink,
            Clock.fixed(at, ZoneOffset.UTC))) {
      try (RawHttp c = new RawHttp(other.address())) {
        assertEquals(
            200, c.send("GET " + url("allowed.test", "/t") + " HTTP/1.1\r\n\r\n").status());
      }
      AccessEvent e = sink.await(ev -> true);
      assertEquals(Instant.parse("2026-11-23T10:15:00.123Z"), e.time());
      assertEquals(0, e.durationMs());
    }
  }

  private static void assertContains(String haystack, String needle) {
    assertTrue(
        haystack != null && haystack.contains(needle), "expected <" + needle + "> in: " + haystack);
  }

  private static void assertStartsWith(String s, String prefix) {
    assertTrue(s != null && s.startsWith(prefix), "expected <" + prefix + "...>, got: " + s);
  }
}
