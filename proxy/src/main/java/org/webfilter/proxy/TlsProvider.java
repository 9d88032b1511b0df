package org.webfilter.proxy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/**
 * The TLS engine of interception, in one place: BoringSSL (Netty's {@code
 * netty-tcnative-boringssl-static}, {@link SslProvider#OPENSSL}) where its native library loads,
 * else the JDK's. A new intercepted tunnel costs two handshakes, and the JDK's P-256 signatures,
 * P-256 verifications and X25519 made most of the proxy's CPU time; BoringSSL does them in a
 * fraction of it. Only the engine changes: leaf certificates are still made with BouncyCastle
 * ({@link SchoolCa}), and upstream certificates are still checked by the JDK's trust manager
 * (system trust store plus extra trust, HTTPS host-name identification), which BoringSSL calls
 * during the handshake. {@link SslProvider#OPENSSL} (not {@code OPENSSL_REFCNT}): contexts and
 * engines free their native memory when closed or collected, so nothing here needs releasing.
 *
 * <p>{@code -Dwebfilter.tls.provider=jdk} forces the JDK's engine (troubleshooting); {@code
 * =openssl} requires BoringSSL and refuses to start without it; unset chooses as above.
 */
final class TlsProvider {
  static final String PROPERTY = "webfilter.tls.provider";

  private TlsProvider() {}

  /** The provider for {@code -Dwebfilter.tls.provider}'s value {@code forced} (null: unset). */
  static SslProvider choose(String forced) {
    if (forced == null || forced.isBlank()) {
      return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }
    switch (forced.trim().toLowerCase(Locale.ROOT)) {
      case "jdk":
        return SslProvider.JDK;
      case "openssl":
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException(
              "-D" + PROPERTY + "=openssl: BoringSSL (netty-tcnative) cannot be loaded: "
                  + OpenSsl.unavailabilityCause(),
              OpenSsl.unavailabilityCause());
        }
        return SslProvider.OPENSSL;
      default:
        throw new IllegalArgumentException(
            "-D" + PROPERTY + ": '" + forced + "' (expected: jdk or openssl)");
    }
  }

  /** What {@link #choose} decided and why, for the start-up log. */
  static String describe(SslProvider provider, String forced) {
    if (provider == SslProvider.OPENSSL) {
      return OpenSsl.versionString() + " (netty-tcnative)";
    }
    if (forced != null && !forced.isBlank()) {
      return "the JDK's TLS (-D" + PROPERTY + "=" + forced.trim() + ")";
    }
    return "the JDK's TLS, as BoringSSL (netty-tcnative) cannot be loaded: "
        + OpenSsl.unavailabilityCause();
  }
}
