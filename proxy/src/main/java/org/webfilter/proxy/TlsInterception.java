package org.webfilter.proxy;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * TLS interception settings, part of {@link ProxyOptions}. Off unless a CA directory is given.
 *
 * <p>When on, the proxy keeps a school root CA in {@code caDirectory} ({@code webfilter-ca.crt},
 * public, also served at {@code http://<proxy>/webfilter-ca.crt}; {@code webfilter-ca.key}, owner
 * only), created on first start. CONNECT tunnels of roles matching {@code role} are decrypted with
 * a certificate the CA issues for the TLS server name, so each request inside is decided on its
 * full {@code https} URL and a blocked one gets the real block page. The upstream certificate is
 * verified against the system trust store (plus {@code extraTrust}); an invalid one gets a block
 * page (rule {@code tls.upstream-certificate-invalid}). Hosts on the do-not-decrypt list (the
 * built-in {@link #DEFAULT_DO_NOT_DECRYPT} plus {@code doNotDecrypt}; an entry also covers its
 * subdomains) are tunnelled untouched and decided on their server name only.
 *
 * @param caDirectory where the school CA lives, e.g. {@code <data-dir>/ca}; null: interception off
 * @param role roles whose tunnels are decrypted (evaluated per tunnel, so a reloaded policy applies)
 * @param doNotDecrypt extra do-not-decrypt entries (host names, lower case)
 * @param extraTrust certificates trusted for upstream servers in addition to the system trust store
 *     (tests; a school's own internal CA)
 */
public record TlsInterception(
    Path caDirectory,
    Predicate<String> role,
    Set<String> doNotDecrypt,
    List<X509Certificate> extraTrust) {

  /**
   * Banks and health services (privacy, and some refuse interception) and endpoints of apps that
   * pin their certificates (they fail when decrypted). A starting point: schools add their own.
   */
  public static final Set<String> DEFAULT_DO_NOT_DECRYPT =
      Set.of(
          // UK banks and building societies
          "hsbc.co.uk",
          "barclays.co.uk",
          "natwest.com",
          "rbs.co.uk",
          "lloydsbank.co.uk",
          "lloydsbank.com",
          "halifax.co.uk",
          "santander.co.uk",
          "nationwide.co.uk",
          "tsb.co.uk",
          "monzo.com",
          "starlingbank.com",
          // health
          "nhs.uk",
          "nhs.net",
          // certificate-pinned device services (Apple push and enrolment, Windows Update)
          "push.apple.com",
          "albert.apple.com",
          "deviceenrollment.apple.com",
          "mdmenrollment.apple.com",
          "update.microsoft.com",
          "windowsupdate.com");

  private static final Pattern HOST =
      Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,62})(\\.[a-z0-9_]([a-z0-9_-]{0,62}))*");

  public TlsInterception {
    Objects.requireNonNull(role, "role");
    doNotDecrypt = Set.copyOf(doNotDecrypt);
    for (String h : doNotDecrypt) {
      if (!HOST.matcher(h).matches()) {
        throw new IllegalArgumentException(
            "proxy.tls.do-not-decrypt: '" + h + "' (expected: a lower-case host name)");
      }
    }
    extraTrust = List.copyOf(extraTrust);
  }

  /** Interception off. */
  public static TlsInterception off() {
    return new TlsInterception(null, r -> false, Set.of(), List.of());
  }

  public boolean enabled() {
    return caDirectory != null;
  }

  /** Whether {@code host} (lower case) or a domain above it is on the do-not-decrypt list. */
  boolean doNotDecrypt(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    while (true) {
      if (DEFAULT_DO_NOT_DECRYPT.contains(h) || doNotDecrypt.contains(h)) {
        return true;
      }
      int dot = h.indexOf('.');
      if (dot < 0) {
        return false;
      }
      h = h.substring(dot + 1);
    }
  }
}
