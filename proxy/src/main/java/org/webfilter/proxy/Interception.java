package org.webfilter.proxy;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the proxy needs to intercept TLS, made once at start: the {@link SchoolCa}, the cache of
 * leaf certificates, one server context for every intercepted host, and the client context for
 * upstream servers (system trust store plus {@link TlsInterception#extraTrust()}, host names
 * verified), all on one TLS engine ({@link TlsProvider}: BoringSSL where it loads, else the JDK's).
 *
 * <p>The server context picks the leaf per handshake ({@link Leaves}): a tunnel makes its engine
 * with the TLS server name as the engine's peer host ({@link #newServerHandler}), and the key
 * manager presents that name's leaf from the cache. One context, not one per host: a BoringSSL
 * context holds a native {@code SSL_CTX} (about 35 kB each, 183 MB for 5,000 hosts) and takes
 * about 10 ms to make.
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

  final TlsInterception settings;
  final SchoolCa ca;
  final SslContext upstream;
  /** Presents, for every intercepted host, that host's leaf ({@link #newServerHandler}). */
  final SslContext server;
  /** The TLS engine of every context here ({@link TlsProvider}). */
  final SslProvider provider;
  private final KeyPair leafKey = SchoolCa.newKeyPair();
  private final ExecutorService pool;
  private final AsyncLoadingCache<String, X509Certificate> leaves;

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
            .buildAsync(host -> ca.issue(host, leafKey.getPublic()));
    try {
      this.server = SslContextBuilder.forServer(new Leaves()).sslProvider(provider).build();
    } catch (SSLException e) {
      pool.shutdownNow();
      throw new IllegalStateException("cannot make the interception server context", e);
    }
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

  /**
   * The leaf certificate for {@code host}, from the cache or made on the certificate pool. A
   * handshake for {@code host} ({@link #newServerHandler}) presents it once this completes.
   */
  CompletableFuture<X509Certificate> leaf(String host) {
    return leaves.get(host);
  }

  /**
   * A server TLS handler that presents {@code host}'s leaf: call once {@link #leaf(String)} has
   * completed for {@code host}, else the handshake fails (no certificate).
   */
  SslHandler newServerHandler(ByteBufAllocator alloc, String host, int port) {
    return server.newHandler(alloc, host, port);
  }

  /** The leaf for {@code host} if it is made and cached; never waits. */
  private X509Certificate cachedLeaf(String host) {
    CompletableFuture<X509Certificate> f = host == null ? null : leaves.getIfPresent(host);
    return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
  }

  /**
   * The server context's key manager: the alias of a handshake is the engine's peer host, which
   * {@link #newServerHandler} sets to the TLS server name; its chain is that host's cached leaf and
   * the school CA, its key the one leaf key. A host without a cached leaf has no alias, and the
   * handshake fails. Both engines call it on the event loop, so it only looks at the cache.
   */
  private final class Leaves extends X509ExtendedKeyManager {
    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return engine == null ? null : aliasFor(keyType, engine.getPeerHost());
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null; // no engine, no server name: only engines are used here
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null; // the aliases are host names, one a handshake: not listed
    }

    /**
     * {@code host} when its leaf is cached and fits {@code keyType}: "EC" (the JDK, and BoringSSL
     * for ECDSA suites) or "EC_EC"/"EC_RSA" (an EC key signed by an EC or RSA CA).
     */
    private String aliasFor(String keyType, String host) {
      String algorithm = leafKey.getPrivate().getAlgorithm();
      boolean fits =
          keyType != null && (keyType.equals(algorithm) || keyType.startsWith(algorithm + "_"));
      return fits && cachedLeaf(host) != null ? host : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509Certificate leaf = cachedLeaf(alias);
      return leaf == null ? null : new X509Certificate[] {leaf, ca.certificate()};
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return cachedLeaf(alias) == null ? null : leafKey.getPrivate();
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String chooseEngineClientAlias(
        String[] keyType, Principal[] issuers, SSLEngine engine) {
      return null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }
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
