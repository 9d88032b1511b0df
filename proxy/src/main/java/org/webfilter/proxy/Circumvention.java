package org.webfilter.proxy;

import io.netty.util.NetUtil;
import java.util.Set;

/**
 * The proxy's own knowledge of ways around the filter, applied to restricted roles even when no
 * list is loaded: public DNS-over-HTTPS resolvers (a browser using one resolves names the school
 * never sees) and bare IP addresses (no name to categorise). Rule ids start with {@code
 * circumvention.} so the logs UI and alerts can pick every attempt out.
 */
final class Circumvention {
  static final String DOH_RULE = "circumvention.doh";
  static final String IP_LITERAL_RULE = "circumvention.ip-literal";
  static final String FRONTING_RULE = "circumvention.domain-fronting";
  static final String NON_TLS_RULE = "circumvention.non-tls-tunnel";
  static final String PORT_RULE = "circumvention.connect-port";
  static final String CATEGORY = "proxy-avoidance";

  /**
   * Well-known public DoH endpoints; a name here also covers its subdomains. Kept short on
   * purpose: the UT1 {@code doh} list, mapped to {@code proxy-avoidance}, is the full catalogue.
   */
  static final Set<String> DOH_HOSTS =
      Set.of(
          "dns.google",
          "dns.google.com",
          "dns64.dns.google",
          "cloudflare-dns.com",
          "one.one.one.one",
          "1dot1dot1dot1.cloudflare-dns.com",
          "security.cloudflare-dns.com",
          "family.cloudflare-dns.com",
          "doh.opendns.com",
          "doh.familyshield.opendns.com",
          "dns.quad9.net",
          "dns9.quad9.net",
          "dns10.quad9.net",
          "dns11.quad9.net",
          "doh.cleanbrowsing.org",
          "dns.adguard.com",
          "dns.adguard-dns.com",
          "dns.nextdns.io",
          "doh.mullvad.net",
          "dns.mullvad.net",
          "doh.libredns.gr",
          "dns.controld.com",
          "freedns.controld.com",
          "doh.dns.sb",
          "dns.twnic.tw",
          "doh.xfinity.com",
          "chrome.cloudflare-dns.com",
          "mozilla.cloudflare-dns.com");

  private Circumvention() {}

  /** Whether {@code host} (lower case, no trailing dot) is or is under a known DoH host. */
  static boolean isDoh(String host) {
    String h = host;
    while (true) {
      if (DOH_HOSTS.contains(h)) {
        return true;
      }
      int dot = h.indexOf('.');
      if (dot < 0) {
        return false;
      }
      h = h.substring(dot + 1);
    }
  }

  static boolean isIpLiteral(String host) {
    return NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
  }
}
