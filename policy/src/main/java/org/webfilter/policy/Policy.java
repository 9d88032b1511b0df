package org.webfilter.policy;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.RoleSettings;

/**
 * An immutable, thread-safe snapshot of the configured policy. The proxy calls it on a Netty event
 * loop, so nothing here may block on I/O — with one exception: {@link #identify} of a login checked
 * against an LDAP directory ({@code identity.ldap}) that is not remembered yet waits for the directory;
 * an event loop calls {@link #identifyAsync} instead. Proxy-login passwords of the users file are
 * verified against bcrypt hashes held in memory, and successful verifications are cached.
 *
 * <p>Request lifecycle: the proxy first {@link #identify identifies} the client (a 407 when a login is
 * required or wrong), then {@link #decide decides} each request under the identity's role, then turns
 * the decision into a response and an access event.
 */
public interface Policy {

  /**
   * Identifies a client by its login (when offered), else by network, else the default role.
   *
   * <p>With {@code identity.ldap} configured, a login that is not in the users file and not remembered
   * blocks for a directory round trip (at most {@code identity.ldap.timeout-ms}): do not call this on an
   * event loop then; call {@link #identifyAsync}.
   */
  Identification identify(InetAddress client, Credentials credentials);

  /**
   * As {@link #identify}, without blocking: the future is already complete unless a directory must be
   * asked, in which case it completes on the directory's own threads within its timeout. It never
   * completes exceptionally. The default completes with {@link #identify}.
   */
  default CompletableFuture<Identification> identifyAsync(InetAddress client, Credentials credentials) {
    return CompletableFuture.completedFuture(identify(client, credentials));
  }

  /** Decides a request of {@code role} for {@code target} at instant {@code at}. */
  Decision decide(String role, Target target, Instant at);

  /** Whether the role exists in this policy. */
  boolean hasRole(String role);

  /**
   * The role's settings, inheritance resolved: the switches the proxy enforces ({@link
   * RoleSettings#safeSearch()}, {@link RoleSettings#tlsInterception()}, {@link
   * RoleSettings#phraseThreshold()}) and the rules {@link #decide} applies. Empty for an unknown role.
   */
  default Optional<RoleSettings> role(String name) {
    return Optional.empty();
  }

  /**
   * The weighted-phrase score per category of {@code text} (search terms, say), whatever any role's
   * threshold: for safeguarding alerts on concerning searches. Empty without phrase lists.
   */
  default java.util.Map<String, Integer> phraseScores(String text) {
    return java.util.Map.of();
  }

  /** The list matcher's host cache counters, for {@code /metrics}; empty when not known. */
  default java.util.Optional<org.webfilter.categoriser.HostCacheStats> hostCacheStats() {
    return java.util.Optional.empty();
  }

  /** Every role's name, sorted (empty when the implementation does not know them). */
  default java.util.List<String> roleNames() {
    return java.util.List.of();
  }
}
