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
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

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
   * the leaf for {@code leafName} (server). Null when it succeeded, else the client's failure.
   */
  private static Throwable handshake(Interception i, String leafName, String expectedName)
      throws Exception {
    i.leaf(leafName).get(60, TimeUnit.SECONDS);
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
      return clientTls.handshakeFuture().cause();
    } finally {
      c.finishAndReleaseAll();
      s.finishAndReleaseAll();
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
