package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Event ids come from a per-thread generator: they must still be well-formed, distinct UUIDs. */
class ExchangeIdTest {
  @Test
  void idsAreVersion4Variant2AndDistinct() {
    Set<UUID> seen = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      UUID id = new Exchange(Clock.systemUTC(), e -> {}, "node", "10.0.0.1", "GET", false).id;
      assertEquals(4, id.version(), id.toString());
      assertEquals(2, id.variant(), id.toString());
      seen.add(id);
    }
    assertEquals(100_000, seen.size());
  }
}
