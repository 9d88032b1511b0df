package org.webfilter.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import org.webfilter.events.EventCodec.MalformedEventException;

/**
 * JSON encoding of {@link AlertEvent}, with the same rules as {@link EventCodec}: unknown fields are
 * ignored, other schema versions (of the alert or of the embedded access event) are rejected.
 */
public final class AlertCodec {
  private AlertCodec() {}

  /** The alert as schema v1 JSON (UTF-8). */
  public static byte[] encode(AlertEvent alert) {
    return JsonWriter.encode(alert);
  }

  /** The former encoder (Jackson databind), the reference for the tests of {@link #encode}. */
  static byte[] encodeWithDatabind(AlertEvent alert) {
    try {
      return Json.MAPPER.writeValueAsBytes(alert);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode alert " + alert.eventId(), e);
    }
  }

  /**
   * Decodes one alert.
   *
   * @throws MalformedEventException when the bytes are not a v1 alert carrying a v1 access event
   */
  public static AlertEvent decode(byte[] json) {
    AlertEvent alert;
    try {
      alert = Json.MAPPER.readValue(json, AlertEvent.class);
    } catch (IOException | RuntimeException e) {
      throw new MalformedEventException("not an alert event: " + e.getMessage(), e);
    }
    if (alert.schemaVersion() != AlertEvent.SCHEMA_VERSION) {
      throw new MalformedEventException("unsupported alert schemaVersion " + alert.schemaVersion());
    }
    if (alert.event().schemaVersion() != AccessEvent.SCHEMA_VERSION) {
      throw new MalformedEventException(
          "unsupported access-event schemaVersion " + alert.event().schemaVersion() + " in alert");
    }
    return alert;
  }
}
