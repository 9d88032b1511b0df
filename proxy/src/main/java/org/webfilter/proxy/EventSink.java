package org.webfilter.proxy;

import org.webfilter.events.AccessEvent;

/**
 * Where the proxy reports access events. Called on Netty event loops, so an implementation must
 * never block: hand the event to a queue and return.
 */
@FunctionalInterface
public interface EventSink {

  /** Accepts one event; never blocks and never throws for a full or unavailable backend. */
  void publish(AccessEvent event);
}
