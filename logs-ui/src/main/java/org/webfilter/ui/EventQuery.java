package org.webfilter.ui;

import java.time.Instant;
import org.webfilter.events.AccessEvent.Verdict;

/**
 * A search over stored events. Null fields do not filter. {@code host} matches the host and its
 * subdomains; {@code q} is free text over URL and search terms; {@code from} is inclusive, {@code
 * to} exclusive; {@code cursor} continues a previous page.
 */
record EventQuery(
    String user,
    String role,
    String ip,
    String host,
    String category,
    Verdict decision,
    String q,
    Instant from,
    Instant to,
    int limit,
    Cursor cursor) {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  EventQuery {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit: " + limit + " (expected: 1-" + MAX_LIMIT + ")");
    }
  }

  /** Everything, newest first, one default-sized page. */
  static EventQuery all() {
    return new EventQuery(
        null, null, null, null, null, null, null, null, null, DEFAULT_LIMIT, null);
  }

  EventQuery withLimit(int n) {
    return new EventQuery(user, role, ip, host, category, decision, q, from, to, n, cursor);
  }

  EventQuery withCursor(Cursor c) {
    return new EventQuery(user, role, ip, host, category, decision, q, from, to, limit, c);
  }
}
