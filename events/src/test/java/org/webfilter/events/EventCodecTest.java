package org.webfilter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = EventCodecTest.class.getResourceAsStream("/fixtures/" + name)) {
      return in.readAllBytes();
    }
  }

  /** A complete v1 event with the given id, for tests of this package. */
  static AccessEvent sample(UUID id) {
    return new AccessEvent(1, id, Instant.parse("2026-11-23T10:15:00.123Z"), "a", "pupil",
        "127.0.0.1", null, "GET", "http", "x.test", 80, "http://x.test/", null, List.of("extremist"),
        AccessEvent.Verdict.BLOCK, "r", "why", 403, 1, 2, 3, false, "n");
  }

  @Test
  void decode_goldenBlockFixture_readsEveryField_andIgnoresUnknownOnes() throws IOException {
    AccessEvent e = EventCodec.decode(fixture("access-event-v1-block.json"));
    assertEquals(UUID.fromString("6f1c1b2e-8d4a-4c1e-9a3b-2f7d5e6a1c90"), e.eventId());
    assertEquals(Instant.parse("2026-11-23T10:15:00.123Z"), e.time());
    assertNull(e.user());
    assertEquals("pupil", e.role());
    assertEquals("10.20.30.40", e.key());
    assertEquals(List.of("webmail"), e.categories());
    assertEquals(AccessEvent.Verdict.BLOCK, e.decision());
    assertEquals("pupil.category.webmail", e.rule());
    assertEquals(403, e.status());
    assertEquals("http://mail.example-webmail.test/inbox?x=<script>", e.url());
  }

  @Test
  void decode_goldenUserFixture_keysByUser() throws IOException {
    AccessEvent e = EventCodec.decode(fixture("access-event-v1-allow-user.json"));
    assertEquals("j.smith", e.key());
    assertEquals("volcano diagram", e.searchTerms());
    assertEquals("lab-pc-07", e.device());
  }

  @Test
  void encode_thenDecode_roundTrips_withIsoTimeInUtcMillis() {
    AccessEvent e =
        new AccessEvent(1, UUID.randomUUID(), Instant.parse("2026-11-23T10:15:00.123Z"), "a", "pupil",
            "127.0.0.1", null, "GET", "http", "x.test", 80, "http://x.test/", null, List.of("adult"),
            AccessEvent.Verdict.BLOCK, "r", "why", 403, 1, 2, 3, false, "n");
    String json = new String(EventCodec.encode(e), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"time\":\"2026-11-23T10:15:00.123Z\""), json);
    assertTrue(json.contains("\"user\":\"a\""), json);
    assertEquals(e, EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void decode_rejectsOtherSchemaVersions_andGarbage() {
    assertThrows(EventCodec.MalformedEventException.class,
        () -> EventCodec.decode("{\"schemaVersion\":2}".getBytes(StandardCharsets.UTF_8)));
    assertThrows(EventCodec.MalformedEventException.class,
        () -> EventCodec.decode("not json".getBytes(StandardCharsets.UTF_8)));
  }
}
