package org.webfilter.proxy.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.webfilter.events.AccessEvent;

/** Access events and spool records for tests. */
final class TestEvents {
  private TestEvents() {}

  static AccessEvent event(int i) {
    return event(i, List.of(), AccessEvent.Verdict.ALLOW);
  }

  static AccessEvent event(int i, List<String> categories, AccessEvent.Verdict decision) {
    String user = i % 3 == 0 ? null : "user" + (i % 50);
    return new AccessEvent(
        AccessEvent.SCHEMA_VERSION,
        UUID.randomUUID(),
        Instant.parse("2026-11-23T10:15:00.000Z").plusMillis(i),
        user,
        "pupil",
        "10.0." + (i % 7) + "." + (i % 250),
        null,
        "GET",
        "https",
        "site" + i + ".example.test",
        443,
        "https://site" + i + ".example.test/some/path?q=" + i,
        null,
        categories,
        decision,
        decision == AccessEvent.Verdict.ALLOW ? "default.allow" : "pupil.category",
        decision == AccessEvent.Verdict.ALLOW ? "no rule blocks this request" : "category is blocked for role pupil",
        decision == AccessEvent.Verdict.BLOCK ? 403 : 200,
        420,
        12_345,
        7,
        true,
        "test-node");
  }

  static OutRecord record(int i) {
    return new OutRecord(OutRecord.Kind.ACCESS, i % 5 == 0 ? null : "key" + i,
        ("{\"n\":" + i + ",\"pad\":\"" + "x".repeat(100) + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  static int number(OutRecord r) {
    String s = new String(r.value(), StandardCharsets.UTF_8);
    return Integer.parseInt(s.substring(5, s.indexOf(',')));
  }
}
