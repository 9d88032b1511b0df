package org.webfilter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.webfilter.events.EventCodec.MalformedEventException;

/** JSON encoding of {@link ReviewRequest}, with the same rules as {@link EventCodec}. */
public final class ReviewCodec {
  private ReviewCodec() {}

  /** The review request as schema v1 JSON (UTF-8). */
  public static byte[] encode(ReviewRequest request) {
    return JsonWriter.encode(request);
  }

  /** The former encoder (Jackson databind), the reference for the tests of {@link #encode}. */
  static byte[] encodeWithDatabind(ReviewRequest request) {
    try {
      return Json.MAPPER.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode review request " + request.requestId(), e);
    }
  }

  /**
   * Decodes one review request.
   *
   * @throws MalformedEventException when the bytes are not a v1 review request
   */
  public static ReviewRequest decode(byte[] json) {
    ReviewRequest r;
    try {
      r = Json.MAPPER.readValue(json, ReviewRequest.class);
    } catch (IOException | RuntimeException e) {
      throw new MalformedEventException("not a review request: " + e.getMessage(), e);
    }
    if (r.schemaVersion() != ReviewRequest.SCHEMA_VERSION) {
      throw new MalformedEventException("unsupported review-request schemaVersion " + r.schemaVersion());
    }
    return r;
  }
}
