package org.webfilter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.webfilter.events.EventCodec.MalformedEventException;

class ReviewCodecTest {
  private static final UUID REF = UUID.fromString("a4c2e8f0-1b3d-4e5f-8a9b-0c1d2e3f4a5b");

  static ReviewRequest sample(String pupilReason) {
    return new ReviewRequest(1, ReviewRequest.idFor(REF), Instant.parse("2026-11-23T10:20:00.125Z"), REF, "p.jones",
        "pupil", "10.1.2.3", "http://games.example/play?x=<script>", "games", "pupil.category", "category games is blocked",
        pupilReason, "proxy-1");
  }

  @Test
  void roundTrip_keepsEveryField_andTheKeyIsTheUser() {
    ReviewRequest r = sample("we need it for the maths homework — 5×3");
    assertEquals(r, ReviewCodec.decode(ReviewCodec.encode(r)));
    assertEquals("p.jones", r.key());
  }

  @Test
  void idFor_isStablePerBlock() {
    assertEquals(ReviewRequest.idFor(REF), ReviewRequest.idFor(UUID.fromString(REF.toString())));
    assertNotEquals(ReviewRequest.idFor(REF), ReviewRequest.idFor(UUID.randomUUID()));
  }

  @Test
  void otherVersions_andGarbage_areRejectedWithAMessage() {
    String v2 = new String(ReviewCodec.encode(sample(null)), StandardCharsets.UTF_8)
        .replace("\"schemaVersion\":1", "\"schemaVersion\":2");
    var e = assertThrows(MalformedEventException.class, () -> ReviewCodec.decode(v2.getBytes(StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("schemaVersion 2"), e.getMessage());
    assertThrows(MalformedEventException.class, () -> ReviewCodec.decode("{\"ref\":".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aReasonLongerThan500Characters_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> sample("x".repeat(501)));
  }
}
