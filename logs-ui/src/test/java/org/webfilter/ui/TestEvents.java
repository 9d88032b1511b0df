package org.webfilter.ui;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;

/** Builds access events for tests with only the fields a test cares about. */
final class TestEvents {
  static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

  private TestEvents() {}

  static AccessEvent event(
      int second, String user, String host, String url, Verdict decision, String... categories) {
    return event(
        UUID.randomUUID(),
        T0.plusSeconds(second),
        user,
        "pupil",
        "10.0.0.1",
        host,
        url,
        null,
        decision,
        categories);
  }

  static AccessEvent event(
      UUID id,
      Instant time,
      String user,
      String role,
      String ip,
      String host,
      String url,
      String searchTerms,
      Verdict decision,
      String... categories) {
    return new AccessEvent(
        AccessEvent.SCHEMA_VERSION,
        id,
        time,
        user,
        role,
        ip,
        null,
        "GET",
        "https",
        host,
        443,
        url,
        searchTerms,
        List.of(categories),
        decision,
        decision == Verdict.BLOCK
            ? "pupil.category." + (categories.length > 0 ? categories[0] : "x")
            : "default.allow",
        "test",
        decision == Verdict.BLOCK ? 403 : 200,
        100,
        200,
        5,
        false,
        "proxy-1");
  }
}
