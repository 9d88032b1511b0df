package org.webfilter.categoriser;

import java.util.Objects;
import java.util.Optional;

/**
 * What one HTTP request names: the target of its request line and, when it was sent in absolute form
 * ({@code GET http://a.example/ HTTP/1.1}), the target its {@code Host} header names. A client that sends
 * {@code GET http://allowed.example/} with {@code Host: blocked.example} may reach {@code blocked.example}
 * at an origin or CDN that routes by {@code Host}; categorising both with {@link
 * Categoriser#categorise(RequestTargets)} makes the stricter outcome apply, and {@link #mismatch()} lets
 * the proxy record it.
 *
 * @param uri the request-line target (after normalisation)
 * @param hostHeader the {@code Host} header's host and port with the request's path, when it differs
 *     from {@code uri}; empty when absent or equal
 */
public record RequestTargets(Target uri, Optional<Target> hostHeader) {

  public RequestTargets {
    Objects.requireNonNull(uri, "uri");
    hostHeader = hostHeader.filter(h -> !h.host().equals(uri.host()) || h.port() != uri.port());
  }

  /**
   * Reads a request line target and its {@code Host} header (nullable). An origin-form target ({@code
   * /path}) takes its host from the header; an absolute URI keeps its own host and the header, when it
   * names another host or port, is kept as {@link #hostHeader()}.
   *
   * @param scheme {@code http} or {@code https} (for an origin-form target and default ports)
   * @throws IllegalArgumentException when neither names a usable host
   */
  public static RequestTargets of(String scheme, String requestTarget, String hostHeader) {
    String t = requestTarget.strip();
    boolean absolute = t.regionMatches(true, 0, "http://", 0, 7) || t.regionMatches(true, 0, "https://", 0, 8);
    if (!absolute) {
      if (hostHeader == null || hostHeader.isBlank()) {
        throw new IllegalArgumentException("origin-form target '" + t + "' without a Host header");
      }
      return new RequestTargets(Target.parse(scheme + "://" + hostHeader.strip() + t), Optional.empty());
    }
    Target uri = Target.parse(t);
    if (hostHeader == null || hostHeader.isBlank()) {
      return new RequestTargets(uri, Optional.empty());
    }
    Target header;
    try {
      header = Target.parse(scheme + "://" + hostHeader.strip() + "/");
    } catch (IllegalArgumentException e) {
      return new RequestTargets(uri, Optional.empty()); // an unusable Host header routes nowhere
    }
    return new RequestTargets(uri, Optional.of(new Target(header.host(), header.port(), uri.path())));
  }

  /** Whether the {@code Host} header names a different host or port from the request line. */
  public boolean mismatch() {
    return hostHeader.isPresent();
  }
}
