package org.webfilter.events;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * The encoders of the three v1 records, written by hand into a reused UTF-8 buffer: the publisher
 * thread encodes every access event, and Jackson databind spent most of its time finding and calling
 * the record's accessors and formatting the {@code Instant} and {@code UUID} through strings.
 *
 * <p>The output is byte for byte what {@link Json#MAPPER} writes for the same record (the codec tests
 * check this on the golden fixtures and on randomised events), with one exception: U+2028 and U+2029
 * are escaped (as &#92;u2028), so a record pasted into a page's script cannot end a JavaScript string;
 * it decodes to the same text. Otherwise, as Jackson does: field order of the record components, nulls
 * written as {@code null}, {@code time} as {@link Instant#toString()} (ISO-8601 UTC, the fraction in
 * groups of three digits, none when zero), {@code "} {@code \} and control characters escaped (short
 * forms for {@code \b \t \n \f \r}, else &#92;u00XX), and every surrogate char escaped on its own
 * (&#92;uD83D&#92;uDE00), so a lone surrogate in an attacker's URL still yields valid UTF-8 JSON.
 *
 * <p>One writer per thread ({@link #get}); not thread-safe.
 */
final class JsonWriter {
  private static final int INITIAL = 1024;
  private static final int KEEP = 64 * 1024; // a writer that grew beyond this is not kept for reuse
  private static final int CHUNK = 1024; // chars copied out of a string at a time
  private static final ThreadLocal<JsonWriter> WRITERS = ThreadLocal.withInitial(JsonWriter::new);
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HEX_UPPER = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = bytes("null");
  private static final byte[] TRUE = bytes("true");
  private static final byte[] FALSE = bytes("false");

  /** For ASCII: 0 = written as is, -1 = backslash-u-00XX, else the letter after the backslash. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  // Field names with their punctuation, in record component order.
  private static final byte[] A_VERSION = bytes("{\"schemaVersion\":");
  private static final byte[] A_ID = bytes(",\"eventId\":\"");
  private static final byte[] A_TIME = bytes("\",\"time\":\"");
  private static final byte[] A_USER = bytes("\",\"user\":");
  private static final byte[] A_ROLE = bytes(",\"role\":");
  private static final byte[] A_CLIENT = bytes(",\"clientIp\":");
  private static final byte[] A_DEVICE = bytes(",\"device\":");
  private static final byte[] A_METHOD = bytes(",\"method\":");
  private static final byte[] A_SCHEME = bytes(",\"scheme\":");
  private static final byte[] A_HOST = bytes(",\"host\":");
  private static final byte[] A_PORT = bytes(",\"port\":");
  private static final byte[] A_URL = bytes(",\"url\":");
  private static final byte[] A_SEARCH = bytes(",\"searchTerms\":");
  private static final byte[] A_CATEGORIES = bytes(",\"categories\":[");
  private static final byte[] A_DECISION = bytes("],\"decision\":");
  private static final byte[] A_RULE = bytes(",\"rule\":");
  private static final byte[] A_REASON = bytes(",\"reason\":");
  private static final byte[] A_STATUS = bytes(",\"status\":");
  private static final byte[] A_BYTES_IN = bytes(",\"bytesIn\":");
  private static final byte[] A_BYTES_OUT = bytes(",\"bytesOut\":");
  private static final byte[] A_DURATION = bytes(",\"durationMs\":");
  private static final byte[] A_INTERCEPTED = bytes(",\"intercepted\":");
  private static final byte[] A_NODE = bytes(",\"proxyNode\":");

  private static final byte[] L_SEVERITY = bytes("\",\"severity\":\"");
  private static final byte[] L_KIND = bytes("\",\"kind\":");
  private static final byte[] L_EVENT = bytes(",\"event\":");

  private static final byte[] R_ID = bytes(",\"requestId\":\"");
  private static final byte[] R_REF = bytes("\",\"ref\":\"");
  private static final byte[] R_USER = bytes("\",\"user\":");
  private static final byte[] R_CATEGORY = bytes(",\"category\":");
  private static final byte[] R_BLOCK_REASON = bytes(",\"blockReason\":");
  private static final byte[] R_PUPIL_REASON = bytes(",\"pupilReason\":");

  private byte[] buf = new byte[INITIAL];
  private int pos;
  private final char[] chars = new char[CHUNK];

  private JsonWriter() {}

  /** This thread's writer, emptied. */
  static JsonWriter get() {
    JsonWriter w = WRITERS.get();
    w.pos = 0;
    return w;
  }

  /** What was written, as a new array; the writer may be reused afterwards. */
  byte[] toBytes() {
    byte[] out = Arrays.copyOf(buf, pos);
    if (buf.length > KEEP) {
      buf = new byte[INITIAL]; // one huge URL must not pin a huge buffer to the thread
    }
    return out;
  }

  static byte[] encode(AccessEvent e) {
    JsonWriter w = get();
    w.access(e);
    return w.toBytes();
  }

  static byte[] encode(AlertEvent a) {
    JsonWriter w = get();
    w.raw(A_VERSION);
    w.number(a.schemaVersion());
    w.raw(A_ID);
    w.uuid(a.eventId());
    w.raw(A_TIME);
    w.instant(a.time());
    w.raw(L_SEVERITY);
    w.ascii(a.severity().wireName());
    w.raw(L_KIND);
    w.string(a.kind());
    w.raw(L_EVENT);
    w.access(a.event());
    w.ensure(1);
    w.buf[w.pos++] = '}';
    return w.toBytes();
  }

  static byte[] encode(ReviewRequest r) {
    JsonWriter w = get();
    w.raw(A_VERSION);
    w.number(r.schemaVersion());
    w.raw(R_ID);
    w.uuid(r.requestId());
    w.raw(A_TIME);
    w.instant(r.time());
    w.raw(R_REF);
    w.uuid(r.ref());
    w.raw(R_USER);
    w.string(r.user());
    w.raw(A_ROLE);
    w.string(r.role());
    w.raw(A_CLIENT);
    w.string(r.clientIp());
    w.raw(A_URL);
    w.string(r.url());
    w.raw(R_CATEGORY);
    w.string(r.category());
    w.raw(A_RULE);
    w.string(r.rule());
    w.raw(R_BLOCK_REASON);
    w.string(r.blockReason());
    w.raw(R_PUPIL_REASON);
    w.string(r.pupilReason());
    w.raw(A_NODE);
    w.string(r.proxyNode());
    w.ensure(1);
    w.buf[w.pos++] = '}';
    return w.toBytes();
  }

  private void access(AccessEvent e) {
    raw(A_VERSION);
    number(e.schemaVersion());
    raw(A_ID);
    uuid(e.eventId());
    raw(A_TIME);
    instant(e.time());
    raw(A_USER);
    string(e.user());
    raw(A_ROLE);
    string(e.role());
    raw(A_CLIENT);
    string(e.clientIp());
    raw(A_DEVICE);
    string(e.device());
    raw(A_METHOD);
    string(e.method());
    raw(A_SCHEME);
    string(e.scheme());
    raw(A_HOST);
    string(e.host());
    raw(A_PORT);
    number(e.port());
    raw(A_URL);
    string(e.url());
    raw(A_SEARCH);
    string(e.searchTerms());
    raw(A_CATEGORIES);
    List<String> categories = e.categories();
    for (int i = 0, n = categories.size(); i < n; i++) {
      if (i > 0) {
        ensure(1);
        buf[pos++] = ',';
      }
      string(categories.get(i));
    }
    raw(A_DECISION);
    ensure(8);
    buf[pos++] = '"';
    ascii(e.decision().name());
    buf[pos++] = '"';
    raw(A_RULE);
    string(e.rule());
    raw(A_REASON);
    string(e.reason());
    raw(A_STATUS);
    number(e.status());
    raw(A_BYTES_IN);
    number(e.bytesIn());
    raw(A_BYTES_OUT);
    number(e.bytesOut());
    raw(A_DURATION);
    number(e.durationMs());
    raw(A_INTERCEPTED);
    raw(e.intercepted() ? TRUE : FALSE);
    raw(A_NODE);
    string(e.proxyNode());
    ensure(1);
    buf[pos++] = '}';
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  private void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** A string known to be plain ASCII needing no escape (enum names), without quotes. */
  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** A JSON string, or {@code null}. */
  private void string(String s) {
    if (s == null) {
      raw(NULL);
      return;
    }
    int n = s.length();
    ensure(2);
    buf[pos++] = '"';
    char[] cs = chars;
    for (int from = 0; from < n; from += CHUNK) {
      int len = Math.min(CHUNK, n - from);
      s.getChars(from, from + len, cs, 0);
      ensure(len * 6 + 1); // the worst case: every char becomes a six-byte escape
      byte[] b = buf;
      int p = pos;
      for (int i = 0; i < len; i++) {
        char c = cs[i];
        if (c < 0x80) {
          byte esc = ESCAPES[c];
          if (esc == 0) {
            b[p++] = (byte) c;
          } else if (esc > 0) {
            b[p++] = '\\';
            b[p++] = esc;
          } else {
            p = unicodeEscape(b, p, c);
          }
        } else if (c < 0x800) {
          b[p++] = (byte) (0xC0 | (c >> 6));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
          p = unicodeEscape(b, p, c);
        } else {
          b[p++] = (byte) (0xE0 | (c >> 12));
          b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      pos = p;
    }
    buf[pos++] = '"';
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX_UPPER[(c >> 12) & 0xF];
    b[p++] = HEX_UPPER[(c >> 8) & 0xF];
    b[p++] = HEX_UPPER[(c >> 4) & 0xF];
    b[p++] = HEX_UPPER[c & 0xF];
    return p;
  }

  private void number(long v) {
    if (v == Long.MIN_VALUE) {
      raw(bytes(Long.toString(v)));
      return;
    }
    ensure(20);
    if (v < 0) {
      buf[pos++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int p = end - 1; p >= pos; p--) {
      buf[p] = (byte) ('0' + (v % 10));
      v /= 10;
    }
    pos = end;
  }

  /** Lower-case canonical form, as {@link UUID#toString()}. */
  private void uuid(UUID id) {
    ensure(36);
    long msb = id.getMostSignificantBits();
    long lsb = id.getLeastSignificantBits();
    hex(msb >>> 32, 8);
    buf[pos++] = '-';
    hex(msb >>> 16, 4);
    buf[pos++] = '-';
    hex(msb, 4);
    buf[pos++] = '-';
    hex(lsb >>> 48, 4);
    buf[pos++] = '-';
    hex(lsb, 12);
  }

  private void hex(long v, int digits) {
    for (int p = pos + digits - 1; p >= pos; p--) {
      buf[p] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
    pos += digits;
  }

  private static final long MAX_FAST_SECOND = 253_402_300_799L; // 9999-12-31T23:59:59Z

  /** As {@link Instant#toString()}: by hand from 1970 to 9999, through the JDK otherwise. */
  private void instant(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < 0 || seconds > MAX_FAST_SECOND) {
      raw(bytes(t.toString()));
      return;
    }
    ensure(30);
    long days = seconds / 86_400;
    int secondOfDay = (int) (seconds % 86_400);
    // civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms")
    long z = days + 719_468;
    long era = z / 146_097;
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
    digits(year / 100);
    digits(year % 100);
    buf[pos++] = '-';
    digits(month);
    buf[pos++] = '-';
    digits(day);
    buf[pos++] = 'T';
    digits(secondOfDay / 3600);
    buf[pos++] = ':';
    digits(secondOfDay / 60 % 60);
    buf[pos++] = ':';
    digits(secondOfDay % 60);
    int nanos = t.getNano();
    if (nanos != 0) {
      buf[pos++] = '.';
      if (nanos % 1_000_000 == 0) {
        fraction(nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        fraction(nanos / 1_000, 6);
      } else {
        fraction(nanos, 9);
      }
    }
    buf[pos++] = 'Z';
  }

  /** Two digits, 00-99. */
  private void digits(int v) {
    buf[pos++] = (byte) ('0' + v / 10);
    buf[pos++] = (byte) ('0' + v % 10);
  }

  private void fraction(int v, int digits) {
    for (int p = pos + digits - 1; p >= pos; p--) {
      buf[p] = (byte) ('0' + v % 10);
      v /= 10;
    }
    pos += digits;
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
