package org.webfilter.ui;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Where the previous page ended: the time and id of its last (oldest) event. Events sort by time
 * then id, both descending, and ids are unique, so a cursor names one position that stays valid
 * while new events arrive and across restarts. On the wire it is opaque (base64url of {@code
 * millis:uuid}).
 */
record Cursor(long timeMillis, String eventId) {

  String encode() {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((timeMillis + ":" + eventId).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws IllegalArgumentException when {@code s} did not come from {@link #encode()}
   */
  static Cursor decode(String s) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
      int colon = raw.indexOf(':');
      long millis = Long.parseLong(raw.substring(0, colon));
      String id = UUID.fromString(raw.substring(colon + 1)).toString();
      return new Cursor(millis, id);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a cursor from a previous page");
    }
  }
}
