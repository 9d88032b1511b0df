package org.webfilter.proxy;

import org.webfilter.events.AccessEvent;
import org.webfilter.events.ReviewRequest;

/**
 * Where the proxy reports access events. Called on Netty event loops, so an implementation must
 * never block: hand the event to a queue and return.
 */
@FunctionalInterface
public interface EventSink {

  /** Accepts one event; never blocks and never throws for a full or unavailable backend. */
  void publish(AccessEvent event);

  /**
   * Accepts a pupil's review request from the block page, under the same rules as {@link #publish};
   * false when this sink cannot deliver review requests (the block page then offers no review
   * button). This default cannot.
   */
  default boolean publishReview(ReviewRequest request) {
    return false;
  }

  /** Whether {@link #publishReview} delivers; decides whether block pages offer a review. */
  default boolean takesReviews() {
    return false;
  }
}
