package org.webfilter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * JSON encoding of {@link AccessEvent}: encoded by hand ({@code JsonWriter}, the same bytes Jackson
 * databind writes), decoded with databind. Unknown fields are ignored when decoding, so a consumer keeps
 * working when a newer producer adds fields (additive changes only within a schema version).
 */
public final class EventCodec {
  private static final ObjectMapper MAPPER = Json.MAPPER;

  private EventCodec() {}

  /** The event as schema v1 JSON (UTF-8). */
  public static byte[] encode(AccessEvent event) {
    return JsonWriter.encode(event);
  }

  /**
   * The former encoder, Jackson databind on the record: kept as the reference the hand-written
   * encoder is tested against, and for {@code EventCodecBenchmark}.
   */
  static byte[] encodeWithDatabind(AccessEvent event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode event " + event.eventId(), e);
    }
  }

  /**
   * Decodes one event.
   *
   * @throws MalformedEventException when the bytes are not a v1 access event
   */
  public static AccessEvent decode(byte[] json) {
    try {
      AccessEvent event = MAPPER.readValue(json, AccessEvent.class);
      if (event.schemaVersion() != AccessEvent.SCHEMA_VERSION) {
        throw new MalformedEventException("unsupported schemaVersion " + event.schemaVersion());
      }
      return event;
    } catch (IOException | RuntimeException e) {
      if (e instanceof MalformedEventException m) {
        throw m;
      }
      throw new MalformedEventException("not an access event: " + e.getMessage(), e);
    }
  }

  /**
   * Raised when a record on the access or alerts topic cannot be decoded; the consumer reports and
   * skips it.
   */
  public static final class MalformedEventException extends RuntimeException {
    MalformedEventException(String message) {
      super(message);
    }

    MalformedEventException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
