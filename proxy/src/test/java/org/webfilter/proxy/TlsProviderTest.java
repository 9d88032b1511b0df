package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.Socket;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/** Which TLS engine interception uses, and that both engines verify the same way. */
class TlsProviderTest {
  @TempDir Path dir;

  @Test
  void choose_unset_isBoringSsl_onThisPlatform() {
    assertTrue(
        OpenSsl.isAvailable(),
        () -> "BoringSSL did not load in the test JVM: " + OpenSsl.unavailabilityCause());
    assertEquals(SslProvider.OPENSSL, TlsProvider.choose(null));
    assertEquals(SslProvider.OPENSSL, TlsProvider.choose(""));
    assertEquals("BoringSSL (netty-tcnative)", TlsProvider.describe(SslProvider.OPENSSL, null));
  }

  @Test
  void choose_forced_isHonoured() {
    assertEquals(SslProvider.JDK, TlsProvider.choose("jdk"));
    assertEquals(SslProvider.JDK, TlsProvider.choose(" JDK "));
    assertEquals(SslProvider.OPENSSL, TlsProvider.choose("openssl"));
    assertEquals(
        "the JDK's TLS (-Dwebfilter.tls.provider=jdk)",
        TlsProvider.describe(SslProvider.JDK, "jdk"));
  }

  @Test
  void choose_unknownValue_isRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TlsProvider.choose("boringssl"));
    assertEquals(
        "-Dwebfilter.tls.provider: 'boringssl' (expected: jdk or openssl)", e.getMessage());
  }

  @Test
  void create_withoutProperty_buildsEveryContextOnBoringSsl() throws Exception {
    assertEquals(null, System.getProperty(TlsProvider.PROPERTY), "test JVM must not force one");
    TlsInterception settings =
        new TlsInterception(dir.resolve("ca"), r -> true, Set.of(), List.of());
    try (Interception i = Interception.create(settings, "n", Clock.systemUTC())) {
      assertEquals(SslProvider.OPENSSL, i.provider);
      assertInstanceOf(OpenSslContext.class, i.upstream);
      assertInstanceOf(OpenSslContext.class, i.server);
    }
  }

  @Test
  void create_forcedJdk_buildsEveryContextOnTheJdk() throws Exception {
    TlsInterception settings =
        new TlsInterception(dir.resolve("ca"), r -> true, Set.of(), List.of());
    try (Interception i = Interception.create(settings, "n", Clock.systemUTC(), SslProvider.JDK)) {
      assertInstanceOf(JdkSslContext.class, i.upstream);
      assertInstanceOf(JdkSslContext.class, i.server);
    }
  }

  /**
   * One server context for every host: two hosts in a row on the same {@link Interception}, each
   * handshake shows the client the leaf for its own name, and the client's host-name check passes.
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void serverContext_twoHostsInARow_presentsEachItsOwnLeaf(SslProvider provider)
      throws Exception {
    try (Interception i = trustingItsOwnCa(provider)) {
      for (String host : List.of("a.test", "b.test")) {
        X509Certificate leaf = i.leaf(host).get(60, TimeUnit.SECONDS);
        Shake shake = shake(i, host, host);
        assertEquals(null, shake.failure());
        assertEquals(List.of(host), dnsNames(shake.presented()));
        assertEquals(leaf, shake.presented());
      }
    }
  }

  /** A host whose leaf is not made has no certificate: the handshake fails, nothing else. */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void serverContext_hostWithoutLeaf_failsTheHandshake(SslProvider provider) throws Exception {
    try (Interception i = trustingItsOwnCa(provider)) {
      i.leaf("a.test").get(60, TimeUnit.SECONDS);
      Shake shake = shake(i, "never-asked.test", "never-asked.test");
      assertTrue(shake.failure() instanceof SSLException, String.valueOf(shake.failure()));
      assertEquals(null, handshake(i, "a.test", "a.test"), "the context still serves a.test");
    }
  }

  /**
   * Through the proxy, with the engine chosen as in production ({@code -Dwebfilter.tls.provider}):
   * two hosts intercepted in a row on the same proxy each get a leaf for their own name.
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void proxy_twoHostsInARow_eachGetsALeafForItsOwnName(SslProvider provider) throws Exception {
    ProxySettings settings =
        new ProxySettings("127.0.0.1", 0, List.of(Cidr.parse("127.0.0.0/8")), Map.of(), "n");
    ProxyServer proxy;
    System.setProperty(TlsProvider.PROPERTY, provider.name().toLowerCase(Locale.ROOT));
    try {
      proxy =
          ProxyServer.start(
              settings,
              TestPolicy::new,
              new CollectingSink(),
              Clock.systemUTC(),
              Optional.empty(),
              ProxyOptions.defaults().withInterception(dir.resolve("ca"), r -> true));
    } finally {
      System.clearProperty(TlsProvider.PROPERTY);
    }
    try (proxy) {
      for (String host : List.of("site1.example.org", "site2.example.org")) {
        assertEquals(List.of(host), dnsNames(leafThroughProxy(proxy, host)));
      }
    }
  }

  /** The upstream context accepts a leaf the school CA issued for the name asked for. */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void handshake_leafForTheName_isTrusted(SslProvider provider) throws Exception {
    try (Interception i = trustingItsOwnCa(provider)) {
      Throwable failure = handshake(i, "a.test", "a.test");
      assertEquals(null, failure);
    }
  }

  /**
   * Host names are verified (HTTPS endpoint identification) with either engine, and a failure is
   * a {@link CertificateException} in the cause chain: what turns it into the block page.
   */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void handshake_leafForAnotherName_failsWithCertificateException(SslProvider provider)
      throws Exception {
    try (Interception i = trustingItsOwnCa(provider)) {
      Throwable failure = handshake(i, "a.test", "b.test");
      assertTrue(hasCertificateException(failure), String.valueOf(failure));
      assertTrue(rootMessage(failure).contains("b.test"), rootMessage(failure));
    }
  }

  /** The upstream context does not trust the school CA unless told to (system store only). */
  @ParameterizedTest
  @EnumSource(names = {"JDK", "OPENSSL"})
  void handshake_untrustedIssuer_failsWithCertificateException(SslProvider provider)
      throws Exception {
    TlsInterception settings =
        new TlsInterception(dir.resolve("ca"), r -> true, Set.of(), List.of());
    try (Interception i = Interception.create(settings, "n", Clock.systemUTC(), provider)) {
      Throwable failure = handshake(i, "a.test", "a.test");
      assertTrue(hasCertificateException(failure), String.valueOf(failure));
      assertTrue(
          rootMessage(failure).contains("unable to find valid certification path"),
          rootMessage(failure));
    }
  }

  /** An interception whose upstream context trusts its own school CA (as extra trust). */
  private Interception trustingItsOwnCa(SslProvider provider) {
    Path caDir = dir.resolve("ca");
    SchoolCa ca = SchoolCa.loadOrCreate(caDir, "n", Clock.systemUTC());
    TlsInterception settings =
        new TlsInterception(caDir, r -> true, Set.of(), List.of(ca.certificate()));
    return Interception.create(settings, "n", Clock.systemUTC(), provider);
  }

  /**
   * A handshake in memory: the upstream context (client, expecting {@code expectedName}) against
   * the server context for {@code leafName}. Null when it succeeded, else the client's failure.
   */
  private static Throwable handshake(Interception i, String leafName, String expectedName)
      throws Exception {
    i.leaf(leafName).get(60, TimeUnit.SECONDS);
    return shake(i, leafName, expectedName).failure();
  }

  /** How an in-memory handshake went: the client's failure (or null) and the leaf it was shown. */
  private record Shake(Throwable failure, X509Certificate presented) {}

  /** As {@link #handshake}, without waiting for {@code leafName}'s leaf first. */
  private static Shake shake(Interception i, String leafName, String expectedName)
      throws Exception {
    EmbeddedChannel s = new EmbeddedChannel();
    EmbeddedChannel c = new EmbeddedChannel();
    try {
      SslHandler serverTls = i.newServerHandler(s.alloc(), leafName, 443);
      SslHandler clientTls = i.upstream.newHandler(c.alloc(), expectedName, 443);
      s.pipeline().addLast(serverTls);
      c.pipeline().addLast(clientTls);
      for (int round = 0; round < 20 && !clientTls.handshakeFuture().isDone(); round++) {
        shuttle(c, s);
        shuttle(s, c);
      }
      assertTrue(clientTls.handshakeFuture().isDone(), "handshake did not finish");
      Throwable failure = clientTls.handshakeFuture().cause();
      X509Certificate presented =
          failure == null
              ? (X509Certificate) clientTls.engine().getSession().getPeerCertificates()[0]
              : null;
      return new Shake(failure, presented);
    } finally {
      c.finishAndReleaseAll();
      s.finishAndReleaseAll();
    }
  }

  /** The DNS names a certificate is for (its subjectAltName dNSName entries). */
  private static List<String> dnsNames(X509Certificate cert) throws Exception {
    List<String> names = new ArrayList<>();
    for (List<?> san : cert.getSubjectAlternativeNames()) {
      if (Integer.valueOf(2).equals(san.get(0))) {
        names.add((String) san.get(1));
      }
    }
    return names;
  }

  /**
   * Opens a CONNECT tunnel to {@code host}:443 through {@code proxy} and returns the leaf the proxy
   * presents for {@code host} (trusting anything: the point is which name it is for).
   */
  private static X509Certificate leafThroughProxy(ProxyServer proxy, String host)
      throws Exception {
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 60_000);
      s.setSoTimeout(60_000);
      String authority = host + ":443";
      ConnectRequest.establish(s, authority);
      SSLContext trustAll = SSLContext.getInstance("TLS");
      trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
      try (SSLSocket tls =
          (SSLSocket) trustAll.getSocketFactory().createSocket(s, host, 443, false)) {
        tls.startHandshake();
        return (X509Certificate) tls.getSession().getPeerCertificates()[0];
      }
    }
  }

  private static void shuttle(EmbeddedChannel from, EmbeddedChannel to) {
    for (ByteBuf b; (b = from.readOutbound()) != null; ) {
      if (!to.isOpen()) {
        b.release();
        continue;
      }
      try {
        to.writeInbound(b);
      } catch (RuntimeException e) {
        // the handshake failed on that side; its handshake future says why
      }
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return String.valueOf(c.getMessage());
  }

  private static boolean hasCertificateException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }
}
