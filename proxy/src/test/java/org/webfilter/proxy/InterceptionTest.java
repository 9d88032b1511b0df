package org.webfilter.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
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
import org.webfilter.categoriser.Target;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.Credentials;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Policy;
import org.webfilter.policy.Verdict;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.ProxySettings;

/**
 * TLS interception through the real proxy: a JDK HttpClient that trusts only the school CA (fetched
 * from {@code /webfilter-ca.crt}) talks HTTPS through the proxy to WireMock HTTPS origins. The
 * proxy trusts the "secure" origin's self-signed certificate through {@link
 * ProxyOptions#withUpstreamTrust}; the "untrusted" origin keeps WireMock's own certificate. Pupils
 * are intercepted, staff are not; {@code bank.test} is on the do-not-decrypt list.
 */
class InterceptionTest {
  private static final char[] PW = "changeit".toCharArray();
  private static final String BLOCKED_PATH_RULE = "pupil.url.private";
  private static final CollectingSink events = new CollectingSink();

  @TempDir static Path dir;
  private static X509Certificate originCert;
  private static WireMockServer origin;
  private static WireMockServer untrusted;
  private static ProxyServer proxy;
  private static HttpClient client;

  /** TestPolicy plus a path rule only interception can see: /private is blocked for pupils. */
  static final class PathPolicy implements Policy {
    private final TestPolicy base = new TestPolicy();

    @Override
    public Identification identify(InetAddress c, Credentials credentials) {
      return base.identify(c, credentials);
    }

    @Override
    public Decision decide(String role, Target t, Instant at) {
      if (role.equals("pupil") && t.path().startsWith("/private")) {
        return new Decision(
            Verdict.BLOCK, BLOCKED_PATH_RULE, "private pages are blocked", "adult", Set.of("adult"),
            List.of("url list: /private"));
      }
      return base.decide(role, t, at);
    }

    @Override
    public boolean hasRole(String role) {
      return base.hasRole(role);
    }
  }

  @BeforeAll
  static void start() throws Exception {
    Path keystore = originKeystore(dir.resolve("origin.p12"));
    origin =
        new WireMockServer(
            wireMockConfig()
                .dynamicPort()
                .dynamicHttpsPort()
                .bindAddress("127.0.0.1")
                .keystorePath(keystore.toString())
                .keystorePassword(new String(PW))
                .keyManagerPassword(new String(PW))
                .keystoreType("PKCS12"));
    origin.start();
    origin.stubFor(any(anyUrl()).willReturn(ok("hello from origin")));
    untrusted =
        new WireMockServer(
            wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"));
    untrusted.start();
    untrusted.stubFor(any(anyUrl()).willReturn(ok("should never be seen")));

    Map<String, String> resolve = new java.util.HashMap<>();
    for (String h :
        List.of(
            "secure.test", "bank.test", "untrusted.test", "wrong-name.test", "www.google.co.uk",
            "www.youtube.com",
            SafeSearch.GOOGLE, SafeSearch.YOUTUBE)) {
      resolve.put(h, "127.0.0.1");
    }
    ProxySettings settings =
        new ProxySettings("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), resolve, "tls-node");
    ProxyLimits d = ProxyLimits.DEFAULTS;
    ProxyOptions options =
        ProxyOptions.defaults()
            .withRestrictRole(role -> role.equals("pupil"))
            .withSafeSearchRole(role -> role.equals("pupil"))
            .withConnectPorts(Set.of(443, origin.httpsPort(), untrusted.httpsPort()))
            .withLimits(
                new ProxyLimits(
                    d.maxRequestLine(), d.maxHeaderBytes(), d.maxHeaderCount(),
                    d.maxConnectionsPerClient(), Duration.ofSeconds(120), Duration.ofSeconds(60),
                    Duration.ofSeconds(60)))
            .withInterception(dir.resolve("ca"), role -> role.equals("pupil"))
            .withDoNotDecrypt(Set.of("bank.test"))
            .withUpstreamTrust(List.of(originCert));
    proxy =
        ProxyServer.start(
            settings, PathPolicy::new, events, Clock.systemUTC(), Optional.empty(), options);
    client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(proxy.address()))
            .sslContext(trusting(List.of(fetchCa())))
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(60))
            .build();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.stop();
    untrusted.stop();
  }

  /** The school CA as a device gets it: {@code GET /webfilter-ca.crt} on the proxy port. */
  private static X509Certificate fetchCa() throws Exception {
    HttpResponse<byte[]> r = fetchCaResponse(proxy);
    assertEquals(200, r.statusCode());
    assertEquals(
        "application/x-x509-ca-cert", r.headers().firstValue("content-type").orElse(""));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(r.body()));
  }

  private static HttpResponse<byte[]> fetchCaResponse(ProxyServer p) throws Exception {
    HttpClient direct = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build();
    {
      return direct.send(
          HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + p.address().getPort() + "/webfilter-ca.crt"))
              .timeout(Duration.ofSeconds(60))
              .build(),
          HttpResponse.BodyHandlers.ofByteArray());
    }
  }

  private static SSLContext trusting(Collection<X509Certificate> certs) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    int i = 0;
    for (X509Certificate c : certs) {
      ks.setCertificateEntry("c" + i++, c);
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), new SecureRandom());
    return ctx;
  }

  /** A self-signed certificate naming every test host the secure origin serves. */
  private static Path originKeystore(Path file) throws Exception {
    KeyPair kp = SchoolCa.newKeyPair();
    X500Name name = new X500Name("CN=webfilter test origin");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            name,
            BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(Duration.ofDays(30))),
            name,
            kp.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName,
        false,
        new GeneralNames(
            new GeneralName[] {
              new GeneralName(GeneralName.dNSName, "secure.test"),
              new GeneralName(GeneralName.dNSName, "bank.test"),
              new GeneralName(GeneralName.dNSName, "www.google.co.uk"),
              new GeneralName(GeneralName.dNSName, "www.youtube.com")
            }));
    originCert =
        new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("origin", kp.getPrivate(), PW, new Certificate[] {originCert});
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, PW);
    }
    return file;
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String secure(String path) {
    return "https://secure.test:" + origin.httpsPort() + path;
  }

  @Test
  void interceptedRole_allowedPath_returnsOriginBody_andEventHasFullHttpsUrl() throws Exception {
    HttpResponse<String> r = get(secure("/hello?q=1"));
    assertEquals(200, r.statusCode());
    assertEquals("hello from origin", r.body());
    AccessEvent e = events.await(ev -> secure("/hello?q=1").equals(ev.url()));
    assertTrue(e.intercepted());
    assertEquals("https", e.scheme());
    assertEquals("GET", e.method());
    assertEquals(200, e.status());
    assertEquals("pupil", e.role());
    assertEquals(AccessEvent.Verdict.ALLOW, e.decision());
  }

  @Test
  void interceptedRole_postBody_isStreamedToOrigin() throws Exception {
    HttpResponse<String> r =
        client.send(
            HttpRequest.newBuilder(URI.create(secure("/upload")))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    origin.verify(
        postRequestedFor(urlPathEqualTo("/upload")).withRequestBody(equalTo("x".repeat(100_000))));
    AccessEvent e = events.await(ev -> secure("/upload").equals(ev.url()));
    assertTrue(e.bytesIn() >= 100_000, String.valueOf(e.bytesIn()));
  }

  @Test
  void interceptedRole_blockedPath_getsBlockPageOverTls() throws Exception {
    HttpResponse<String> r = get(secure("/private/diary"));
    assertEquals(403, r.statusCode());
    assertTrue(
        r.headers().firstValue("x-webfilter-block").orElse("").contains("rule=" + BLOCKED_PATH_RULE),
        r.headers().map().toString());
    assertTrue(r.body().contains("This page is blocked"), r.body());
    assertTrue(r.body().contains(secure("/private/diary")), r.body());
    origin.verify(0, getRequestedFor(urlPathEqualTo("/private/diary")));
    AccessEvent e = events.await(ev -> secure("/private/diary").equals(ev.url()));
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals(403, e.status());
    assertTrue(e.intercepted());
    // the tunnel stays usable after a block (keep-alive)
    assertEquals(200, get(secure("/after-block")).statusCode());
  }

  @Test
  void interceptedRole_upstreamWithUntrustedCertificate_getsBlockPage() throws Exception {
    String url = "https://untrusted.test:" + untrusted.httpsPort() + "/";
    assertCertificateBlockPage(url, "certificate");
    assertEquals(0, untrusted.getAllServeEvents().size());
  }

  /**
   * The origin's certificate is trusted (extra trust) but does not name the host asked for: host
   * names are verified, whichever TLS engine interception uses.
   */
  @Test
  void interceptedRole_upstreamCertificateForAnotherName_getsBlockPage() throws Exception {
    String url = "https://wrong-name.test:" + origin.httpsPort() + "/wrong-name";
    assertCertificateBlockPage(url, "wrong-name.test");
    origin.verify(0, getRequestedFor(urlPathEqualTo("/wrong-name")));
  }

  /** {@code url} gets the block page for an invalid upstream certificate, and its event says so. */
  private void assertCertificateBlockPage(String url, String bodyMentions) throws Exception {
    HttpResponse<String> r = get(url);
    assertEquals(403, r.statusCode());
    assertTrue(
        r.headers()
            .firstValue("x-webfilter-block")
            .orElse("")
            .contains("rule=" + Interceptor.CERTIFICATE_INVALID_RULE),
        r.headers().map().toString());
    assertTrue(r.body().contains(bodyMentions), r.body());
    AccessEvent e = events.await(ev -> url.equals(ev.url()));
    assertEquals(Interceptor.CERTIFICATE_INVALID_RULE, e.rule());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
  }

  @Test
  void doNotDecryptHost_isTunnelledUntouched() throws Exception {
    // the client trusting only the school CA cannot talk to the real origin: nothing was decrypted
    assertThrows(
        SSLHandshakeException.class,
        () -> get("https://bank.test:" + origin.httpsPort() + "/hello"));
    X509Certificate seen = certificateThroughTunnel("bank.test", "");
    assertEquals(originCert, seen);
    AccessEvent e =
        events.await(ev -> "bank.test".equals(ev.host()) && "CONNECT".equals(ev.method()));
    assertEquals(false, e.intercepted());
  }

  @Test
  void nonInterceptedRole_isTunnelledAsBefore() throws Exception {
    String login =
        "Proxy-Authorization: Basic "
            + Base64.getEncoder().encodeToString("staff:pw".getBytes(StandardCharsets.UTF_8))
            + "\r\n";
    assertEquals(originCert, certificateThroughTunnel("secure.test", login));
  }

  @Test
  void interceptedRole_seesLeafIssuedBySchoolCa() throws Exception {
    X509Certificate leaf = certificateThroughTunnel("secure.test", "");
    X509Certificate ca = fetchCa();
    assertEquals(ca.getSubjectX500Principal(), leaf.getIssuerX500Principal());
    leaf.verify(ca.getPublicKey());
  }

  @Test
  void safeSearchRole_withInterception_forcesSafeParametersAndHeader() throws Exception {
    int port = origin.httpsPort();
    assertEquals(200, get("https://www.google.co.uk:" + port + "/search?q=cats&safe=off").statusCode());
    origin.verify(
        getRequestedFor(urlPathEqualTo("/search"))
            .withQueryParam("q", equalTo("cats"))
            .withQueryParam("safe", equalTo("active")));
    origin.verify(0, getRequestedFor(urlPathEqualTo("/search")).withQueryParam("safe", equalTo("off")));
    assertEquals(200, get("https://www.youtube.com:" + port + "/watch?v=x").statusCode());
    origin.verify(
        getRequestedFor(urlPathEqualTo("/watch")).withHeader("YouTube-Restrict", equalTo("Strict")));
    AccessEvent e = events.await(ev -> ev.url() != null && ev.url().contains("/search?q=cats"));
    assertEquals("cats", e.searchTerms());
  }

  @Test
  void caKey_isOwnerOnly_andReusedOnRestart() throws Exception {
    Path key = dir.resolve("ca").resolve(SchoolCa.KEY_FILE);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    String pem = proxy.caCertificatePem().orElseThrow();
    ProxySettings settings =
        new ProxySettings("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), Map.of(), "tls-node");
    try (ProxyServer again =
        ProxyServer.start(
            settings,
            TestPolicy::new,
            new CollectingSink(),
            Clock.systemUTC(),
            Optional.empty(),
            ProxyOptions.defaults().withInterception(dir.resolve("ca"), r -> true))) {
      assertEquals(pem, again.caCertificatePem().orElseThrow());
      assertEquals(pem, new String(fetchCaResponse(again).body(), StandardCharsets.US_ASCII));
    }
    assertTrue(pem.contains("BEGIN CERTIFICATE"));
  }

  @Test
  void caKey_readableByOthers_isRefused() throws Exception {
    Path ca = dir.resolve("loose-ca");
    SchoolCa.loadOrCreate(ca, "n", Clock.systemUTC());
    Files.setPosixFilePermissions(
        ca.resolve(SchoolCa.KEY_FILE), PosixFilePermissions.fromString("rw-r--r--"));
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class, () -> SchoolCa.loadOrCreate(ca, "n", Clock.systemUTC()));
    assertTrue(e.getMessage().contains("owner only"), e.getMessage());
  }

  @Test
  void withoutInterception_caCertificateIsNotServed() throws Exception {
    ProxySettings settings =
        new ProxySettings("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), Map.of(), "n");
    try (ProxyServer plain =
        ProxyServer.start(settings, TestPolicy::new, new CollectingSink(), Clock.systemUTC())) {
      assertEquals(404, fetchCaResponse(plain).statusCode());
      assertTrue(plain.caCertificatePem().isEmpty());
    }
  }

  @Test
  void leafCache_returnsSameCertificateForSameHost() throws Exception {
    TlsInterception settings =
        new TlsInterception(dir.resolve("cache-ca"), r -> true, Set.of(), List.of());
    try (Interception i = Interception.create(settings, "n", Clock.systemUTC())) {
      X509Certificate a = i.leaf("a.test").get(60, TimeUnit.SECONDS);
      assertSame(a, i.leaf("a.test").get(60, TimeUnit.SECONDS));
      X509Certificate b = i.leaf("b.test").get(60, TimeUnit.SECONDS);
      assertNotEquals(a, b);
      a.verify(i.ca.certificate().getPublicKey());
      a.checkValidity();
      assertEquals(List.of(2, "a.test"), List.copyOf(a.getSubjectAlternativeNames().iterator().next()));
      X509Certificate ip = i.leaf("192.0.2.7").get(60, TimeUnit.SECONDS);
      assertEquals(List.of(7, "192.0.2.7"), List.copyOf(ip.getSubjectAlternativeNames().iterator().next()));
    }
  }

  @Test
  void doNotDecryptList_coversSubdomains_andDefaults() {
    TlsInterception t = ProxyOptions.defaults().withDoNotDecrypt(Set.of("bank.test")).interception();
    assertTrue(t.doNotDecrypt("www.bank.test"));
    assertTrue(t.doNotDecrypt("www.hsbc.co.uk"));
    assertTrue(t.doNotDecrypt("nhs.uk"));
    assertTrue(!t.doNotDecrypt("notnhs.uk"));
    assertTrue(!t.doNotDecrypt("secure.test"));
  }

  @Test
  void safeSearchForce_replacesClientValue() {
    assertEquals("/search?q=a&safe=active", SafeSearch.force("/search?q=a&safe=off", "safe", "active"));
    assertEquals("/?kp=1", SafeSearch.force("/", "kp", "1"));
    assertEquals("/s?adlt=strict#x", SafeSearch.force("/s?adlt=off#x", "adlt", "strict"));
  }

  /**
   * Opens a CONNECT tunnel on a raw socket and returns the certificate the far end presents,
   * trusting anything (to see what is presented, not whether it is good).
   */
  private static X509Certificate certificateThroughTunnel(String host, String extraHeaders)
      throws Exception {
    String authority = host + ":" + origin.httpsPort();
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 60_000);
      s.setSoTimeout(60_000);
      ConnectRequest.establish(s, authority, extraHeaders);
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, new TrustManager[] {new TrustAll()}, new SecureRandom());
      try (SSLSocket tls =
          (SSLSocket) trustAll.getSocketFactory().createSocket(s, host, origin.httpsPort(), false)) {
        tls.startHandshake();
        X509Certificate peer = (X509Certificate) tls.getSession().getPeerCertificates()[0];
        assertNotNull(peer);
        return peer;
      }
    }
  }

  private static final class TrustAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
