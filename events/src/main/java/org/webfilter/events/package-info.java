/**
 * The access-event contract between the proxy (producer) and the logs UI (consumer): the {@link
 * org.webfilter.events.AccessEvent} record, its JSON codec and the Kafka topic names. The JSON Schema
 * lives next to this package as {@code access-event-v1.schema.json}; changes are additive only, and any
 * other change bumps {@code schemaVersion}.
 */
package org.webfilter.events;
