package org.webfilter.events;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A safeguarding alert (schema v1, SPEC §4): an access event that matched an alert rule, published to
 * the alerts topic ({@link Topics#ALERTS}) next to the access event itself, so the DSL can be told
 * about it without searching the whole access log.
 *
 * <p>The alert carries the complete triggering {@link AccessEvent}, so a consumer of the alerts topic
 * alone has everything it needs. {@code eventId} is the alert's own id, derived from the triggering
 * event's id and the kind ({@link #idFor}), so an alert raised twice for the same event (a replay after
 * an unclean stop) has the same id and consumers deduplicate it like access events.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION}
 * @param eventId this alert's id (see {@link #idFor})
 * @param time when the triggering request arrived (the access event's {@code time})
 * @param severity how urgent it is for the DSL
 * @param kind what the alert is about: a category ({@code extremist}) or a kind such as {@code
 *     circumvention}
 * @param event the access event that raised it
 */
public record AlertEvent(
    int schemaVersion, UUID eventId, Instant time, Severity severity, String kind, AccessEvent event) {

  public static final int SCHEMA_VERSION = 1;

  /** How urgent an alert is; written in lower case on the wire. Ordered from least to most urgent. */
  public enum Severity {
    @JsonProperty("low")
    LOW,
    @JsonProperty("medium")
    MEDIUM,
    @JsonProperty("high")
    HIGH,
    @JsonProperty("critical")
    CRITICAL;

    /** The wire name: {@code low}, {@code medium}, {@code high} or {@code critical}. */
    public String wireName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public AlertEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(event, "event");
  }

  /** An alert of {@code kind} for {@code event}, with the derived id and the event's time. */
  public static AlertEvent of(Severity severity, String kind, AccessEvent event) {
    return new AlertEvent(SCHEMA_VERSION, idFor(event.eventId(), kind), event.time(), severity, kind, event);
  }

  /** The alert id for an access event and kind: a name-based (v3) UUID, stable across replays. */
  public static UUID idFor(UUID accessEventId, String kind) {
    return UUID.nameUUIDFromBytes(
        ("webfilter-alert:" + accessEventId + ":" + kind).getBytes(StandardCharsets.UTF_8));
  }

  /** The Kafka record key: the triggering event's key, so one pupil's alerts stay ordered. */
  public String key() {
    return event.key();
  }
}
