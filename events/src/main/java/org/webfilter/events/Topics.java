package org.webfilter.events;

/** Default Kafka topic names (configurable under {@code kafka.topics}). */
public final class Topics {
  public static final String ACCESS = "webfilter.access";
  public static final String ALERTS = "webfilter.alerts";
  /** Pupils' review requests from the block page (not configurable yet). */
  public static final String REVIEWS = "webfilter.reviews";

  private Topics() {}
}
