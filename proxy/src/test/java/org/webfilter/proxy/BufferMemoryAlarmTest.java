package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BufferMemoryAlarmTest {

  /**
   * One warning for a burst of failed allocations (not one per cut connection), none for I/O errors.
   * (Netty's OutOfDirectMemoryError, which it is in practice, is an OutOfMemoryError that only Netty
   * can construct.)
   */
  @Test
  void warnsOncePerMinute_onlyForLackOfMemory() {
    Logger log = (Logger) LoggerFactory.getLogger(BufferMemoryAlarm.class);
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.start();
    log.addAppender(seen);
    try {
      BufferMemoryAlarm.check(new IOException("Connection reset by peer"));
      assertEquals(0, seen.list.size(), "an ordinary connection error stays at debug level");

      for (int i = 0; i < 100; i++) {
        BufferMemoryAlarm.check(new OutOfMemoryError("failed to allocate 65536 byte(s) of direct memory"));
      }
      assertEquals(1, seen.list.size());
      ILoggingEvent warning = seen.list.get(0);
      assertEquals(Level.WARN, warning.getLevel());
      String text = warning.getFormattedMessage();
      assertTrue(text.contains("buffer memory is used up"), text);
      assertTrue(text.contains("io.netty.maxDirectMemory"), text);
      assertTrue(text.contains("failed to allocate 65536"), text);
    } finally {
      log.detachAppender(seen);
    }
  }
}
