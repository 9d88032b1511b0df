package org.webfilter.events;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * One request decision made by the proxy (schema v1, SPEC §4). Nullable fields: {@code user}, {@code
 * device}, {@code searchTerms}.
 */
public record AccessEvent(
    int schemaVersion,
    UUID eventId,
    Instant time,
    String user,
    String role,
    String clientIp,
    String device,
    String method,
    String scheme,
    String host,
    int port,
    String url,
    String searchTerms,
    List<String> categories,
    Verdict decision,
    String rule,
    String reason,
    int status,
    long bytesIn,
    long bytesOut,
    long durationMs,
    boolean intercepted,
    String proxyNode) {

  public static final int SCHEMA_VERSION = 1;

  /** What the proxy did with the request. {@code LOG}: allowed, but flagged for the DSL. */
  public enum Verdict {
    ALLOW,
    BLOCK,
    LOG
  }

  public AccessEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(clientIp, "clientIp");
    Objects.requireNonNull(decision, "decision");
    categories = categories == null ? List.of() : List.copyOf(categories);
  }

  /** The Kafka record key: the user when known, so one pupil's events stay ordered, else the client IP. */
  public String key() {
    return user != null ? user : clientIp;
  }
}
