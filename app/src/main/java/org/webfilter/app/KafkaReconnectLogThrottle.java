package org.webfilter.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Marker;

/**
 * Lets each of the Kafka network client's warnings through once a minute. While a broker is away the
 * client logs every reconnect attempt, several lines a second per client (about 6 a second from the
 * proxy alone: half a million a day), which buries everything else in the log; webfilter's own
 * components already say, at most every 10 s, that Kafka is not taking events. Installed by
 * {@code logback.xml}.
 */
public final class KafkaReconnectLogThrottle extends TurboFilter {
  static final String NETWORK_CLIENT = "org.apache.kafka.clients.NetworkClient";

  private final LongSupplier clockMillis;
  /** When each message (Kafka puts the client's id in the format) was last let through. */
  private final Map<String, Long> lastPassed = new ConcurrentHashMap<>();
  private long intervalMillis = 60_000;

  public KafkaReconnectLogThrottle() {
    this(System::currentTimeMillis);
  }

  KafkaReconnectLogThrottle(LongSupplier clockMillis) {
    this.clockMillis = clockMillis;
  }

  /** How often one message may pass, in milliseconds ({@code <intervalMillis>} in logback.xml). */
  public void setIntervalMillis(long intervalMillis) {
    this.intervalMillis = intervalMillis;
  }

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (format == null || level.toInt() < Level.WARN_INT || !NETWORK_CLIENT.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    long now = clockMillis.getAsLong();
    boolean[] pass = {false};
    lastPassed.compute(format, (f, last) -> {
      pass[0] = last == null || now - last >= intervalMillis;
      return pass[0] ? now : last;
    });
    return pass[0] ? FilterReply.NEUTRAL : FilterReply.DENY;
  }
}
