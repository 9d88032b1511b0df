package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/**
 * Intercepted HTTPS shares upstream TLS connections across tunnels through the {@link
 * UpstreamPool}. The client opens each tunnel by hand (CONNECT, then TLS trusting only the school
 * CA) so the test decides when a tunnel ends; the origin is a Netty server speaking TLS or plain
 * HTTP on one port, whose answers name the connection they came on ({@link CountingOrigin}). Each
 * test uses its own host names, so what one leaves in the pool cannot help another. The proxy has
 * one event loop: one pool.
 */
class InterceptedReuseTest {
  private static final List<String> NAMES =
      List.of(
          "reuse.test", "one.test", "two.test", "mixed.test", "drop.test", "closing.test",
          "form.test", "ws.test", "www.google.co.uk", "www.google.com");

  @TempDir static Path dir;
  private static CountingOrigin origin;
  private static CountingOrigin untrusted;
  private static ProxyServer proxy;
  private static SSLContext client;

  @BeforeAll
  static void start() throws Exception {
    Certified trusted = selfSigned(NAMES);
    origin = new CountingOrigin(SslContextBuilder.forServer(trusted.kp.getPrivate(), trusted.cert).build());
    Certified other = selfSigned(List.of("bad.test"));
    untrusted = new CountingOrigin(SslContextBuilder.forServer(other.kp.getPrivate(), other.cert).build());
    Map<String, String> resolve = new HashMap<>();
    NAMES.forEach(n -> resolve.put(n, "127.0.0.1"));
    resolve.put("bad.test", "127.0.0.1");
    resolve.put(SafeSearch.GOOGLE, "127.0.0.1");
    ProxyOptions options =
        ProxyOptions.defaults()
            .withConnectPorts(Set.of(443, origin.port(), untrusted.port()))
            .withSafeSearchRole(role -> true) // Google's names are served from one endpoint
            .withInterception(dir.resolve("ca"), role -> true)
            .withUpstreamTrust(List.of(trusted.cert)); // not the untrusted origin's
    proxy =
        ProxyServer.start(
            new ProxySettings("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), resolve, "reuse-node"),
            TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(), options, 1);
    client = trusting(schoolCa(proxy.address()));
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
    untrusted.close();
  }

  @Test
  void twoSuccessiveTunnels_sameHost_reuseOneUpstreamTlsConnection() throws Exception {
    int before = origin.accepted.get();
    Answer first = tunnel("reuse.test", origin.port(), "GET /1").get(0);
    Answer second = tunnel("reuse.test", origin.port(), "GET /2").get(0);
    assertEquals(200, first.status);
    assertTrue(first.body.startsWith("/1 tls=true "), first.body);
    assertEquals(first.connection(), second.connection(), "the second tunnel used the first one's");
    assertEquals(before + 1, origin.accepted.get(), "one TCP+TLS connection for two tunnels");
  }

  @Test
  void differentServerNames_doNotShare_evenOnTheSameHostAndPort() throws Exception {
    Answer one = tunnel("one.test", origin.port(), "GET /a").get(0);
    Answer two = tunnel("two.test", origin.port(), "GET /b").get(0);
    Answer oneAgain = tunnel("one.test", origin.port(), "GET /c").get(0);
    assertNotEquals(one.connection(), two.connection(), "a connection verified for one.test");
    assertEquals(one.connection(), oneAgain.connection(), "one.test's connection was kept for it");
  }

  /**
   * With SafeSearch, both Google names are connected to {@link SafeSearch#GOOGLE}: same host and
   * port, but each connection was verified for its own name, so they are kept apart.
   */
  @Test
  void sameEndpointHost_differentServerNames_doNotShare() throws Exception {
    Answer uk = tunnel("www.google.co.uk", origin.port(), "GET /search?q=a").get(0);
    Answer com = tunnel("www.google.com", origin.port(), "GET /search?q=b").get(0);
    Answer ukAgain = tunnel("www.google.co.uk", origin.port(), "GET /search?q=c").get(0);
    assertTrue(uk.body.contains("safe=active"), "went the SafeSearch way: " + uk.body);
    assertNotEquals(uk.connection(), com.connection());
    assertEquals(uk.connection(), ukAgain.connection());
  }

  @Test
  void plainAndTlsConnections_toTheSameHostAndPort_areNeverSwapped() throws Exception {
    Answer plain = plainGet("mixed.test", "/plain");
    assertTrue(plain.body.startsWith("/plain tls=false "), plain.body); // now idle in the pool
    Answer tls = tunnel("mixed.test", origin.port(), "GET /tls").get(0);
    assertTrue(tls.body.startsWith("/tls tls=true "), "sent encrypted: " + tls.body);
    assertNotEquals(plain.connection(), tls.connection());
    Answer plainAgain = plainGet("mixed.test", "/plain-again");
    assertTrue(plainAgain.body.startsWith("/plain-again tls=false "), plainAgain.body);
    assertEquals(plain.connection(), plainAgain.connection(), "the plain one is still pooled");
  }

  /** The origin drops the next request on the pooled connection unanswered: it is sent again. */
  @Test
  void pooledConnectionClosedBeforeTheResponse_bodylessRequestIsSentAgainOnANewOne() throws Exception {
    Answer first = tunnel("drop.test", origin.port(), "GET /drop-next").get(0);
    Answer second = tunnel("drop.test", origin.port(), "GET /after").get(0);
    assertEquals(200, second.status);
    assertTrue(second.body.startsWith("/after tls=true "), second.body);
    assertNotEquals(first.connection(), second.connection());
  }

  @Test
  void originClosingItsIdleConnection_nextTunnelIsStillAnswered() throws Exception {
    Answer first = tunnel("closing.test", origin.port(), "GET /close-now").get(0);
    Answer second = tunnel("closing.test", origin.port(), "GET /next").get(0);
    assertEquals(200, second.status);
    assertTrue(second.body.startsWith("/next tls=true "), second.body);
    assertNotEquals(first.connection(), second.connection());
  }

  /**
   * A request with a body cannot be sent twice, so it never takes a connection another tunnel
   * left; within one tunnel it goes on the connection that tunnel just used, as before pooling.
   */
  @Test
  void requestWithABody_reusesOnlyItsOwnTunnelsConnection() throws Exception {
    List<Answer> same = tunnel("form.test", origin.port(), "GET /page", "POST /form");
    assertEquals(same.get(0).connection(), same.get(1).connection());
    assertEquals("/form tls=true conn=" + same.get(1).connection(), same.get(1).body);
    Answer other = tunnel("form.test", origin.port(), "POST /form").get(0);
    assertEquals(200, other.status);
    assertNotEquals(same.get(1).connection(), other.connection(), "a new tunnel's POST");
  }

  /** After a 101 the connection carries WebSocket frames, not HTTP: it is never given back. */
  @Test
  void webSocketConnection_isNeverPooled() throws Exception {
    String wsConnection;
    try (Socket s = connect("ws.test", origin.port());
        SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(s, "ws.test", origin.port(), true)) {
      tls.getOutputStream()
          .write(
              ("GET /ws HTTP/1.1\r\nHost: ws.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      tls.getOutputStream().flush();
      Answer switched = read(tls.getInputStream(), true);
      assertEquals(101, switched.status);
      wsConnection = switched.headers.get("x-connection");
      byte[] frame = {(byte) 0x81, 0x02, 'h', 'i'};
      tls.getOutputStream().write(frame);
      tls.getOutputStream().flush();
      assertEquals(new String(frame, StandardCharsets.ISO_8859_1),
          new String(tls.getInputStream().readNBytes(frame.length), StandardCharsets.ISO_8859_1));
    }
    Answer after = tunnel("ws.test", origin.port(), "GET /after").get(0);
    assertEquals(200, after.status);
    assertTrue(after.body.startsWith("/after tls=true "), after.body);
    assertNotEquals(wsConnection, after.connection());
  }

  @Test
  void invalidUpstreamCertificate_getsTheBlockPage_andIsNeverPooled() throws Exception {
    int before = untrusted.accepted.get();
    for (int i = 0; i < 2; i++) {
      Answer a = tunnel("bad.test", untrusted.port(), "GET /secret").get(0);
      assertEquals(403, a.status);
      assertTrue(
          a.headers.getOrDefault("x-webfilter-block", "").contains("rule=" + Interceptor.CERTIFICATE_INVALID_RULE),
          a.headers.toString());
    }
    assertEquals(before + 2, untrusted.accepted.get(), "each attempt a new connection");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (untrusted.open() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, untrusted.open(), "no connection to it is kept");
  }

  // ---- the client ----

  record Answer(int status, Map<String, String> headers, String body) {
    /** The origin's number for the connection that carried this answer. */
    String connection() {
      int i = body.lastIndexOf("conn=");
      return i < 0 ? "none: " + body : body.substring(i + 5);
    }
  }

  /**
   * One tunnel: CONNECT, TLS with the server name {@code host}, then each request in turn ({@code
   * "METHOD /path"}; a POST sends a small body); the tunnel is closed after the last answer.
   */
  private static List<Answer> tunnel(String host, int port, String... requests) throws Exception {
    try (Socket s = connect(host, port)) {
      try (SSLSocket tls = (SSLSocket) client.getSocketFactory().createSocket(s, host, port, true)) {
        tls.startHandshake();
        List<Answer> answers = new java.util.ArrayList<>();
        for (String r : requests) {
          String[] mp = r.split(" ");
          String body = mp[0].equals("POST") ? "a=1" : "";
          String head =
              mp[0] + " " + mp[1] + " HTTP/1.1\r\nHost: " + host + "\r\n"
                  + (body.isEmpty() ? "" : "Content-Length: " + body.length() + "\r\n") + "\r\n";
          tls.getOutputStream().write((head + body).getBytes(StandardCharsets.ISO_8859_1));
          tls.getOutputStream().flush();
          answers.add(read(tls.getInputStream(), false));
        }
        return answers;
      }
    }
  }

  /** A socket to the proxy with a CONNECT tunnel to {@code host:port} established. */
  private static Socket connect(String host, int port) throws IOException {
    Socket s = new Socket();
    s.connect(proxy.address(), 5_000);
    s.setSoTimeout(10_000);
    OutputStream out = s.getOutputStream();
    out.write(
        ("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    Answer connected = read(s.getInputStream(), true);
    assertEquals(200, connected.status, "CONNECT " + host);
    return s;
  }

  private static Answer plainGet(String host, String path) throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r =
          c.send("GET http://" + host + ":" + origin.port() + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
      return new Answer(r.status(), r.headers(), r.body());
    }
  }

  /** A response head and its Content-Length body (none for the CONNECT's 200). */
  static Answer read(InputStream in, boolean headOnly) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    while (!b.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("closed after: " + b.toString(StandardCharsets.ISO_8859_1));
      }
      b.write(c);
    }
    String[] lines = b.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    int length = headOnly ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
    String body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
    return new Answer(Integer.parseInt(lines[0].split(" ")[1]), headers, body);
  }

  // ---- certificates ----

  record Certified(KeyPair kp, X509Certificate cert) {}

  static Certified selfSigned(List<String> names) throws Exception {
    KeyPair kp = SchoolCa.newKeyPair();
    X500Name name = new X500Name("CN=webfilter reuse test origin");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name, BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))), name, kp.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            names.stream().map(n -> new GeneralName(GeneralName.dNSName, n)).toArray(GeneralName[]::new)));
    X509Certificate cert =
        new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    return new Certified(kp, cert);
  }

  /** The school CA as a device gets it: {@code GET /webfilter-ca.crt} on the proxy port. */
  static X509Certificate schoolCa(InetSocketAddress proxy) throws Exception {
    HttpResponse<byte[]> r =
        HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .build()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + proxy.getPort() + "/webfilter-ca.crt"))
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(r.body()));
  }

  static SSLContext trusting(X509Certificate ca) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setCertificateEntry("school", ca);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }
}
