package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.events.AccessEvent.Verdict;

class CursorAndParamsTest {
  @Test
  void cursor_roundTrips() {
    Cursor c = new Cursor(1_790_000_000_123L, UUID.randomUUID().toString());
    assertEquals(c, Cursor.decode(c.encode()));
  }

  @ParameterizedTest
  @CsvSource({
    "2026-11-23T10:15:00Z",
    "2026-11-23T11:15:00+01:00",
    "2026-11-23T10:15",
    "2026-11-23T10:15:00.000Z"
  })
  void instant_acceptsIsoForms_zonelessAsUtc(String s) {
    assertEquals(Instant.parse("2026-11-23T10:15:00Z"), QueryParams.instant("from", s));
  }

  @Test
  void parse_blankValuesMeanNoFilter_andDecisionIsCaseInsensitive() {
    EventQuery q =
        QueryParams.parse(
            Map.of("user", List.of(""), "decision", List.of("block"), "q", List.of("  ")));
    assertNull(q.user());
    assertNull(q.q());
    assertEquals(Verdict.BLOCK, q.decision());
    assertEquals(EventQuery.DEFAULT_LIMIT, q.limit());
  }

  @Test
  void parse_overlongValue_isRefused() {
    HttpError e =
        assertThrows(
            HttpError.class, () -> QueryParams.parse(Map.of("q", List.of("x".repeat(300)))));
    assertEquals(400, e.status());
    assertEquals("q: too long (expected at most 256 characters)", e.getMessage());
  }
}
