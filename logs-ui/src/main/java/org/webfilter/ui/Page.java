package org.webfilter.ui;

import java.util.List;
import org.webfilter.events.AccessEvent;

/** One page of events, newest first; {@code nextCursor} is null on the last page. */
record Page(List<AccessEvent> events, String nextCursor) {
  Page {
    events = List.copyOf(events);
  }
}
