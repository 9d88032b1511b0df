package org.webfilter.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.common.utils.LogContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class KafkaReconnectLogThrottleTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final KafkaReconnectLogThrottle throttle = new KafkaReconnectLogThrottle(now::get);
  private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeEach
  void install() {
    throttle.setIntervalMillis(60_000);
    throttle.start();
    context.addTurboFilter(throttle);
    logged.start();
    context.getLogger(KafkaReconnectLogThrottle.NETWORK_CLIENT).addAppender(logged);
    context.getLogger("org.webfilter.test").addAppender(logged);
  }

  @AfterEach
  void remove() {
    context.getTurboFilterList().remove(throttle);
    context.getLogger(KafkaReconnectLogThrottle.NETWORK_CLIENT).detachAppender(logged);
    context.getLogger("org.webfilter.test").detachAppender(logged);
  }

  /** Logs through Kafka's own prefixing logger, as the producer's network client does. */
  private static org.slf4j.Logger kafkaClient(String clientId) {
    return new LogContext("[Producer clientId=" + clientId + "] ").logger(NetworkClient.class);
  }

  private List<String> messages() {
    return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aReconnectWarningPassesOnceAMinutePerClient() {
    for (int i = 0; i < 50; i++) {
      kafkaClient("webfilter-proxy").warn("Connection to node {} ({}) could not be established.", -1, "/127.0.0.1:1");
      kafkaClient("webfilter-policy").warn("Connection to node {} ({}) could not be established.", -1, "/127.0.0.1:1");
      now.addAndGet(1_000);
    }
    assertEquals(
        List.of(
            "[Producer clientId=webfilter-proxy] Connection to node -1 (/127.0.0.1:1) could not be established.",
            "[Producer clientId=webfilter-policy] Connection to node -1 (/127.0.0.1:1) could not be established."),
        messages());

    now.addAndGet(10_000); // 60 s after the first
    kafkaClient("webfilter-proxy").warn("Connection to node {} ({}) could not be established.", -1, "/127.0.0.1:1");
    assertEquals(3, messages().size());
  }

  @Test
  void otherLoggersAndOtherMessagesAreNotThrottled() {
    Logger ours = context.getLogger("org.webfilter.test");
    for (int i = 0; i < 5; i++) {
      ours.warn("Kafka is not taking events ({} failed so far)", i);
      kafkaClient("webfilter-proxy").warn("Bootstrap broker {} disconnected", "127.0.0.1:1");
    }
    kafkaClient("webfilter-proxy").warn("Connection to node {} terminated during authentication.", 1);
    assertEquals(7, messages().size());
  }
}
