package org.webfilter.proxy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.SearchQuery;
import org.webfilter.categoriser.SearchTerms;
import org.webfilter.categoriser.Target;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.Decision;

/**
 * What the proxy learns about one request while it runs, turned into exactly one {@link
 * AccessEvent} when the response is complete (or the client went away). Written from the client's
 * and the server's event loops, hence the volatile fields and the once-only {@link #finish}.
 */
final class Exchange {
  private static final Logger LOG = LoggerFactory.getLogger(Exchange.class);

  final UUID id = newId();
  final Instant time;
  private final Clock clock;
  private final EventSink sink;
  private final String proxyNode;
  private final String clientIp;
  private final String method;
  private final boolean connect;
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicLong bytesIn = new AtomicLong();
  private final AtomicLong bytesOut = new AtomicLong();

  private volatile String user;
  private volatile String role = "none";
  private volatile String host;
  private volatile int port;
  private volatile String url;
  private volatile String searchTerms;
  private volatile List<String> categories = List.of();
  private volatile AccessEvent.Verdict verdict = AccessEvent.Verdict.BLOCK;
  private volatile String rule;
  private volatile String reason;
  private volatile int status;
  /** Decrypted by the proxy (TLS interception): the request was seen in full, scheme https. */
  private volatile boolean intercepted;

  Exchange(
      Clock clock,
      EventSink sink,
      String proxyNode,
      String clientIp,
      String method,
      boolean connect) {
    this.clock = clock;
    this.time = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    this.sink = sink;
    this.proxyNode = proxyNode;
    this.clientIp = clientIp;
    this.method = method;
    this.connect = connect;
  }

  /**
   * A random (version 4) UUID from the thread's own generator: {@code UUID.randomUUID} draws on one
   * shared {@code SecureRandom}, a lock every event loop would contend for on every request. The id
   * only has to be unique (it is shown to the user it belongs to, and a review must come from that
   * same device), not secret.
   */
  private static UUID newId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long high = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (r.nextLong() & ~(0xC000_0000_0000_0000L)) | 0x8000_0000_0000_0000L; // IETF variant
    return new UUID(high, low);
  }

  boolean isConnect() {
    return connect;
  }

  String scheme() {
    return connect || intercepted ? "https" : "http";
  }

  /** Marks a request decrypted inside an intercepted tunnel, or the tunnel itself; set first. */
  void intercepted() {
    intercepted = true;
  }

  boolean finished() {
    return finished.get();
  }

  void target(Target t) {
    host = t.host();
    port = t.port();
    url = t.display(scheme());
    // Autocomplete requests carry every keystroke ("c", "ca", "cat"): log only the search itself.
    searchTerms = SearchTerms.extract(t).filter(q -> !q.suggest()).map(SearchQuery::terms).orElse(null);
  }

  /** For requests whose target could not be parsed: log what was asked for. */
  void rawUrl(String raw) {
    url = raw;
  }

  String url() {
    return url;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  void who(String user, String role) {
    this.user = user;
    this.role = role;
  }

  String user() {
    return user;
  }

  String clientIp() {
    return clientIp;
  }

  String role() {
    return role;
  }

  /** A decision the proxy made itself (network, login, destination, bad request). */
  void proxyDecision(String rule, String reason) {
    this.verdict = AccessEvent.Verdict.BLOCK;
    this.rule = rule;
    this.reason = reason;
  }

  String rule() {
    return rule;
  }

  String reason() {
    return reason;
  }

  void policyDecision(Decision d) {
    this.verdict =
        switch (d.verdict()) {
          case ALLOW -> AccessEvent.Verdict.ALLOW;
          case BLOCK -> AccessEvent.Verdict.BLOCK;
          case LOG -> AccessEvent.Verdict.LOG;
        };
    this.rule = d.rule();
    this.reason = d.reason();
    this.categories = sorted(d.categories());
  }

  void addBytesIn(long n) {
    bytesIn.addAndGet(n);
  }

  void addBytesOut(long n) {
    bytesOut.addAndGet(n);
  }

  void status(int code) {
    status = code;
  }

  /** For exchanges that are no web access (PAC file, requests to the proxy itself): no event. */
  void discard() {
    finished.set(true);
  }

  /** Publishes the event; later calls do nothing. */
  void finish() {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    long duration = Math.max(0, Duration.between(time, clock.instant()).toMillis());
    AccessEvent e =
        new AccessEvent(
            AccessEvent.SCHEMA_VERSION,
            id,
            time,
            user,
            role,
            clientIp,
            null,
            method,
            scheme(),
            host,
            port,
            url,
            searchTerms,
            categories,
            verdict,
            rule,
            reason,
            status,
            bytesIn.get(),
            bytesOut.get(),
            duration,
            intercepted,
            proxyNode);
    try {
      sink.publish(e);
    } catch (RuntimeException ex) {
      // a broken sink must not break the relay
      LOG.warn("event sink failed for event {}", id, ex);
    }
  }

  private static List<String> sorted(Set<String> s) {
    if (s.isEmpty()) {
      return List.of();
    }
    List<String> l = new ArrayList<>(s);
    Collections.sort(l);
    return l;
  }
}
