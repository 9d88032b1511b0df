package org.webfilter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AlertCodecTest {

  @Test
  void decode_goldenExtremistFixture_readsEveryField_andIgnoresUnknownOnes() throws IOException {
    AlertEvent a = AlertCodec.decode(EventCodecTest.fixture("alert-event-v1-extremist.json"));
    assertEquals(1, a.schemaVersion());
    assertEquals(UUID.fromString("783d2272-89a0-3493-89ab-9a6e8dca6c03"), a.eventId());
    assertEquals(Instant.parse("2026-11-23T10:17:42.250Z"), a.time());
    assertEquals(AlertEvent.Severity.HIGH, a.severity());
    assertEquals("extremist", a.kind());
    AccessEvent e = a.event();
    assertEquals(UUID.fromString("a4c2e8f0-1b3d-4e5f-8a9b-0c1d2e3f4a5b"), e.eventId());
    assertEquals(List.of("extremist"), e.categories());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals("p.jones", a.key());
    assertEquals(AlertEvent.idFor(e.eventId(), a.kind()), a.eventId());
  }

  @Test
  void of_derivesAStableIdFromTheEventAndKind() {
    AccessEvent e = EventCodecTest.sample(UUID.fromString("a4c2e8f0-1b3d-4e5f-8a9b-0c1d2e3f4a5b"));
    AlertEvent a = AlertEvent.of(AlertEvent.Severity.HIGH, "extremist", e);
    assertEquals(a.eventId(), AlertEvent.of(AlertEvent.Severity.HIGH, "extremist", e).eventId());
    assertNotEquals(a.eventId(), AlertEvent.of(AlertEvent.Severity.LOW, "circumvention", e).eventId());
    assertNotEquals(e.eventId(), a.eventId());
    assertEquals(e.time(), a.time());
  }

  @ParameterizedTest
  @EnumSource(AlertEvent.Severity.class)
  void encode_thenDecode_roundTrips_withLowerCaseSeverity(AlertEvent.Severity severity) {
    AlertEvent a = AlertEvent.of(severity, "self-harm", EventCodecTest.sample(UUID.randomUUID()));
    String json = new String(AlertCodec.encode(a), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"severity\":\"" + severity.wireName() + "\""), json);
    assertTrue(json.contains("\"event\":{\"schemaVersion\":1,"), json);
    assertEquals(a, AlertCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void decode_rejectsOtherSchemaVersions_unknownSeverities_andGarbage() {
    String event = new String(EventCodec.encode(EventCodecTest.sample(UUID.randomUUID())), StandardCharsets.UTF_8);
    String v2 = "{\"schemaVersion\":2,\"eventId\":\"" + UUID.randomUUID()
        + "\",\"time\":\"2026-11-23T10:00:00Z\",\"severity\":\"low\",\"kind\":\"k\",\"event\":" + event + "}";
    String badSeverity = v2.replace("\"schemaVersion\":2", "\"schemaVersion\":1").replace("\"low\"", "\"urgent\"");
    String innerV2 = v2.replace("\"schemaVersion\":2", "\"schemaVersion\":1")
        .replace("\"event\":{\"schemaVersion\":1", "\"event\":{\"schemaVersion\":2");
    for (String json : List.of(v2, badSeverity, innerV2, "not json", "{}")) {
      assertThrows(EventCodec.MalformedEventException.class,
          () -> AlertCodec.decode(json.getBytes(StandardCharsets.UTF_8)), json);
    }
  }
}
