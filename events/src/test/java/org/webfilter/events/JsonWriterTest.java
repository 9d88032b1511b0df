package org.webfilter.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The hand-written encoders ({@link JsonWriter}) against the databind encoders they replaced: on the
 * golden fixtures and on randomised records full of attacker-style text, the new output must be the
 * bytes databind wrote (U+2028/U+2029 aside, which the new encoder escapes), equal to it as a JSON tree,
 * well-formed UTF-8, and decode with the unchanged databind decoders to an equal record.
 */
class JsonWriterTest {
  private static final long SEED = Long.getLong("webfilter.test.seed", 20261123L);
  private static final int RANDOM_RECORDS = 5_000;

  /** What the new encoder must write, given databind's bytes: the same, with U+2028/9 escaped. */
  private static byte[] expected(byte[] databind) {
    return new String(databind, StandardCharsets.UTF_8)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static void assertSameJson(byte[] databind, byte[] encoded, Object what) throws IOException {
    assertArrayEquals(expected(databind), encoded, () -> "for " + what);
    JsonNode tree = Json.MAPPER.readTree(encoded);
    assertEquals(Json.MAPPER.readTree(databind), tree, () -> "for " + what);
    // well-formed UTF-8: a lone surrogate written raw would not survive this round trip
    assertArrayEquals(encoded, new String(encoded, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
  }

  private static void check(AccessEvent e) throws IOException {
    byte[] encoded = EventCodec.encode(e);
    assertSameJson(EventCodec.encodeWithDatabind(e), encoded, e);
    assertEquals(e, EventCodec.decode(encoded));
  }

  private static void check(AlertEvent a) throws IOException {
    byte[] encoded = AlertCodec.encode(a);
    assertSameJson(AlertCodec.encodeWithDatabind(a), encoded, a);
    assertEquals(a, AlertCodec.decode(encoded));
  }

  private static void check(ReviewRequest r) throws IOException {
    byte[] encoded = ReviewCodec.encode(r);
    assertSameJson(ReviewCodec.encodeWithDatabind(r), encoded, r);
    assertEquals(r, ReviewCodec.decode(encoded));
  }

  @ParameterizedTest
  @ValueSource(strings = {"access-event-v1-block.json", "access-event-v1-allow-user.json"})
  void encode_goldenAccessFixtures_writesWhatDatabindWrote(String fixture) throws IOException {
    check(EventCodec.decode(EventCodecTest.fixture(fixture)));
  }

  @Test
  void encode_goldenAlertFixture_andReviewSample_writeWhatDatabindWrote() throws IOException {
    check(AlertCodec.decode(EventCodecTest.fixture("alert-event-v1-extremist.json")));
    check(ReviewCodecTest.sample("we need it for the maths homework — 5×3"));
    check(ReviewCodecTest.sample(null));
  }

  @Test
  void encode_escapesQuotesControlCharactersSurrogatesAndLineSeparators() {
    String url = "http://x.test/\"\\\u0000\u001f\b\t\n\f\r\u007f\u2028\u2029\uD83D\uDE00\uD800é€";
    AccessEvent e = withUrl(EventCodecTest.sample(UUID.randomUUID()), url);
    String json = new String(EventCodec.encode(e), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"url\":\"http://x.test/\\\"\\\\\\u0000\\u001F\\b\\t\\n\\f\\r\u007f"
        + "\\u2028\\u2029\\uD83D\\uDE00\\uD800é€\""), json);
    assertEquals(e, EventCodec.decode(json.getBytes(StandardCharsets.UTF_8)));
  }

  /** Times as {@code Instant.toString()} writes them: no fraction, or 3, 6 or 9 digits; any year. */
  @ParameterizedTest
  @ValueSource(strings = {"2026-11-23T10:15:00Z", "2026-11-23T10:15:00.100Z", "2026-11-23T10:15:00.000100Z",
      "2026-11-23T10:15:00.000000001Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T23:59:59Z",
      "2100-03-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "0001-01-01T00:00:00Z"})
  void encode_writesTheTimeAsInstantToString(String time) throws IOException {
    AccessEvent e = withTime(EventCodecTest.sample(UUID.randomUUID()), Instant.parse(time));
    assertTrue(new String(EventCodec.encode(e), StandardCharsets.UTF_8).contains("\"time\":\"" + time + "\""));
    check(e);
  }

  @Test
  void encode_randomisedRecords_writeWhatDatabindWrote() throws IOException {
    Random random = new Random(SEED);
    for (int i = 0; i < RANDOM_RECORDS; i++) {
      AccessEvent e = randomEvent(random);
      check(e);
      if (i % 10 == 0) {
        AlertEvent.Severity severity = AlertEvent.Severity.values()[random.nextInt(4)];
        check(new AlertEvent(1, UUID.randomUUID(), randomInstant(random), severity, text(random), e));
      }
      if (i % 10 == 5) {
        String reason = random.nextBoolean() ? null : text(random);
        check(new ReviewRequest(1, UUID.randomUUID(), randomInstant(random), UUID.randomUUID(), nullable(random),
            text(random), text(random), text(random), nullable(random), text(random), nullable(random),
            reason == null || reason.length() <= ReviewRequest.MAX_REASON ? reason : reason.substring(0, 500),
            nullable(random)));
      }
    }
  }

  private static AccessEvent randomEvent(Random r) {
    List<String> categories = new ArrayList<>();
    for (int n = r.nextInt(4); n > 0; n--) {
      categories.add(text(r));
    }
    return new AccessEvent(1, new UUID(r.nextLong(), r.nextLong()), randomInstant(r), nullable(r), text(r), text(r),
        nullable(r), nullable(r), nullable(r), nullable(r), r.nextInt(), nullable(r), nullable(r), categories,
        AccessEvent.Verdict.values()[r.nextInt(3)], nullable(r), nullable(r), r.nextInt(), number(r), number(r),
        number(r), r.nextBoolean(), nullable(r));
  }

  private static long number(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> Long.MIN_VALUE;
      case 1 -> Long.MAX_VALUE;
      case 2 -> 0;
      case 3 -> r.nextInt(10_000);
      default -> r.nextLong();
    };
  }

  private static Instant randomInstant(Random r) {
    long seconds = switch (r.nextInt(4)) {
      case 0 -> Instant.MIN.getEpochSecond() + (r.nextLong() >>> 1) % (Instant.MAX.getEpochSecond() * 2);
      case 1 -> -r.nextInt(Integer.MAX_VALUE);
      default -> 1_700_000_000L + r.nextInt(400_000_000);
    };
    int nanos = switch (r.nextInt(4)) {
      case 0 -> 0;
      case 1 -> r.nextInt(1000) * 1_000_000;
      case 2 -> r.nextInt(1_000_000) * 1_000;
      default -> r.nextInt(1_000_000_000);
    };
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static String nullable(Random r) {
    return r.nextInt(5) == 0 ? null : text(r);
  }

  private static final String NASTY = "\"\\/\u0000\u0001\u001f\b\t\n\f\r\u007f\u0080\u00ff\u0100é€\u2028\u2029\ufeff\uffff";

  /** Text mixing plain ASCII, escapes, controls, 2- and 3-byte chars, pairs and lone surrogates. */
  private static String text(Random r) {
    int length = switch (r.nextInt(1000)) {
      case 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 -> 0;
      case 10 -> 2_000 + r.nextInt(100_000); // a very long URL
      default -> r.nextInt(80);
    };
    StringBuilder s = new StringBuilder(length);
    boolean plain = r.nextInt(3) == 0; // the usual case: nothing to escape
    while (s.length() < length) {
      int kind = plain ? 0 : r.nextInt(10);
      switch (kind) {
        case 0, 1, 2, 3 -> s.append((char) (0x20 + r.nextInt(0x5f)));
        case 4 -> s.append(NASTY.charAt(r.nextInt(NASTY.length())));
        case 5 -> s.append((char) r.nextInt(0x20));
        case 6 -> s.append((char) (0x80 + r.nextInt(0x780)));
        case 7 -> s.appendCodePoint(0x10000 + r.nextInt(0x100000));
        case 8 -> s.append((char) (Character.MIN_SURROGATE + r.nextInt(0x800))); // lone (or chance pair)
        default -> s.append((char) r.nextInt(0x10000));
      }
    }
    return s.toString();
  }

  private static AccessEvent withUrl(AccessEvent e, String url) {
    return new AccessEvent(e.schemaVersion(), e.eventId(), e.time(), e.user(), e.role(), e.clientIp(), e.device(),
        e.method(), e.scheme(), e.host(), e.port(), url, e.searchTerms(), e.categories(), e.decision(), e.rule(),
        e.reason(), e.status(), e.bytesIn(), e.bytesOut(), e.durationMs(), e.intercepted(), e.proxyNode());
  }

  private static AccessEvent withTime(AccessEvent e, Instant time) {
    return new AccessEvent(e.schemaVersion(), e.eventId(), time, e.user(), e.role(), e.clientIp(), e.device(),
        e.method(), e.scheme(), e.host(), e.port(), e.url(), e.searchTerms(), e.categories(), e.decision(), e.rule(),
        e.reason(), e.status(), e.bytesIn(), e.bytesOut(), e.durationMs(), e.intercepted(), e.proxyNode());
  }
}
