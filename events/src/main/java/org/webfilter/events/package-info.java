/**
 * The event contract between the proxy (producer) and the logs UI (consumer): the {@link
 * org.webfilter.events.AccessEvent} record (one per request decision, topic {@code webfilter.access}),
 * the {@link org.webfilter.events.AlertEvent} record (safeguarding alerts, topic {@code
 * webfilter.alerts}), their JSON codecs and the Kafka topic names. The JSON Schemas live next to this
 * package as {@code access-event-v1.schema.json} and {@code alert-event-v1.schema.json}; changes are
 * additive only, and any other change bumps {@code schemaVersion}.
 */
package org.webfilter.events;
