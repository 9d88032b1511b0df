package org.webfilter.proxy;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy needs to intercept TLS, made once at start: the {@link SchoolCa}, the cache of
 * leaf certificates, and the client context for upstream servers (system trust store plus {@link
 * TlsInterception#extraTrust()}, host names verified), all on one TLS engine ({@link TlsProvider}:
 * BoringSSL where it loads, else the JDK's).
 *
 * <p>Leaf certificates are made on a small pool of their own, never on an event loop: a tunnel asks
 * for its server name's certificate and carries on when the future completes. The cache is bounded
 * and forgets a leaf after {@link #CACHE_FOR}, long before the leaf expires ({@link
 * SchoolCa#LEAF_VALIDITY}), so no client is ever shown an expired one. All leaves share one EC
 * P-256 key pair, made at start and held only in memory: the CA's signature is what makes each leaf
 * trusted, and a per-leaf key would protect nothing more (the CA key sits beside it) while costing a
 * key generation per host.
 */
final class Interception implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Interception.class);
  static final Duration CACHE_FOR = Duration.ofDays(1);
  static final int CACHE_SIZE = 10_000;

  /** A leaf certificate and the server context that presents it (with the CA as chain). */
  record Leaf(X509Certificate certificate, SslContext context) {}

  final TlsInterception settings;
  final SchoolCa ca;
  final SslContext upstream;
  /** The TLS engine of every context here ({@link TlsProvider}). */
  final SslProvider provider;
  private final KeyPair leafKey = SchoolCa.newKeyPair();
  private final ExecutorService pool;
  private final AsyncLoadingCache<String, Leaf> leaves;

  private Interception(
      TlsInterception settings, SchoolCa ca, SslProvider provider, SslContext upstream) {
    this.settings = settings;
    this.ca = ca;
    this.provider = provider;
    this.upstream = upstream;
    this.pool = Executors.newFixedThreadPool(2, ProxyServer.daemonThreads("webfilter-certs"));
    this.leaves =
        Caffeine.newBuilder()
            .maximumSize(CACHE_SIZE)
            .expireAfterWrite(CACHE_FOR)
            .executor(pool)
            .buildAsync(this::makeLeaf);
  }

  /**
   * Null when interception is off. The TLS engine is chosen here, once per proxy ({@link
   * TlsProvider}, {@code -Dwebfilter.tls.provider}).
   */
  static Interception create(TlsInterception settings, String nodeName, Clock clock) {
    if (!settings.enabled()) {
      return null;
    }
    String forced = System.getProperty(TlsProvider.PROPERTY);
    SslProvider provider = TlsProvider.choose(forced);
    LOG.info("TLS interception uses {}", TlsProvider.describe(provider, forced));
    return create(settings, nodeName, clock, provider);
  }

  /** As {@link #create(TlsInterception, String, Clock)}, with the TLS engine given (tests). */
  static Interception create(
      TlsInterception settings, String nodeName, Clock clock, SslProvider provider) {
    if (!settings.enabled()) {
      return null;
    }
    SchoolCa ca = SchoolCa.loadOrCreate(settings.caDirectory(), nodeName, clock);
    return new Interception(settings, ca, provider, upstreamContext(settings, provider));
  }

  /** Whether a tunnel of {@code role} to {@code host} (the TLS server name) is decrypted. */
  boolean intercepts(String role, String host) {
    return settings.role().test(role) && !settings.doNotDecrypt(host);
  }

  /** The leaf for {@code host}, from the cache or made on the certificate pool. */
  CompletableFuture<Leaf> leaf(String host) {
    return leaves.get(host);
  }

  private Leaf makeLeaf(String host) throws SSLException {
    X509Certificate cert = ca.issue(host, leafKey.getPublic());
    SslContext ctx =
        SslContextBuilder.forServer(leafKey.getPrivate(), cert, ca.certificate())
            .sslProvider(provider)
            .build();
    return new Leaf(cert, ctx);
  }

  private static SslContext upstreamContext(TlsInterception settings, SslProvider provider) {
    try {
      TrustManagerFactory system =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      system.init((KeyStore) null);
      TrustManagerFactory tmf = system;
      if (!settings.extraTrust().isEmpty()) {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        int i = 0;
        for (TrustManager tm : system.getTrustManagers()) {
          if (tm instanceof X509TrustManager x) {
            for (X509Certificate c : x.getAcceptedIssuers()) {
              ks.setCertificateEntry("system-" + i++, c);
            }
          }
        }
        for (X509Certificate c : settings.extraTrust()) {
          ks.setCertificateEntry("extra-" + i++, c);
        }
        tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
      }
      return SslContextBuilder.forClient()
          .sslProvider(provider)
          .trustManager(tmf)
          .endpointIdentificationAlgorithm("HTTPS")
          .build();
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the upstream TLS trust store", e);
    }
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
