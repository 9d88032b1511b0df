package org.webfilter.proxy;

import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, in the log and at most once a minute, when connections fail because the proxy's buffer
 * memory is used up; other connection errors stay at debug level. Without it a proxy cutting
 * downloads for lack of memory would look healthy to the ICT manager.
 */
final class BufferMemoryAlarm {
  private static final Logger LOG = LoggerFactory.getLogger(BufferMemoryAlarm.class);
  private static final long EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final AtomicLong lastNanos = new AtomicLong(System.nanoTime() - EVERY_NANOS);

  private BufferMemoryAlarm() {}

  /** Logs {@code cause} as a warning if it is a lack of memory and none was logged this minute. */
  static void check(Throwable cause) {
    if (!(cause instanceof OutOfMemoryError)) { // Netty's OutOfDirectMemoryError is one too
      return;
    }
    long now = System.nanoTime();
    long last = lastNanos.get();
    if (now - last < EVERY_NANOS || !lastNanos.compareAndSet(last, now)) {
      return;
    }
    long used = PlatformDependent.usedDirectMemory(); // -1 when Netty does not count it itself
    LOG.warn(
        "connections are being cut: the proxy's buffer memory is used up ({}{} bytes, many slow"
            + " downloads at once?). The limit is -Dio.netty.maxDirectMemory (launcher:"
            + " WEBFILTER_JAVA_OPTS). {}",
        used < 0 ? "" : used + " of ",
        PlatformDependent.maxDirectMemory(),
        cause.toString());
  }
}
