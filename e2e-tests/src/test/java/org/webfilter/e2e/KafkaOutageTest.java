package org.webfilter.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.app.Webfilter;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * With an external Kafka cluster ({@code --kafka}): requests made while the broker is down are spooled
 * on disk, survive a restart of the product, and reach the logs UI once the broker is back.
 */
class KafkaOutageTest {
  @TempDir Path dir;

  @Test
  void eventsMadeWhileKafkaIsDown_surviveARestart_andArriveWhenKafkaIsBack() throws Exception {
    int brokerPort = EmbeddedKafka.freePort();
    int controllerPort = EmbeddedKafka.freePort();
    Path data = dir.resolve("data");
    UserStore.open(data.resolve("users.yaml"))
        .put(new User("dsl", "staff", Set.of(UiRole.DSL), UserStore.hash("dsl-pass-1")));
    ConfigOverrides overrides = new ConfigOverrides(
        data, 0, 0, List.of(), "127.0.0.1:" + brokerPort, Map.of());
    Set<String> refs = new HashSet<>();

    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), brokerPort, controllerPort)) {
      kafka.start();
      kafka.createTopics(List.of("webfilter.access", "webfilter.alerts"), 1);
      kafka.stop(); // the school's cluster goes down
      try (Webfilter first = start(overrides)) {
        for (int i = 0; i < 20; i++) {
          refs.add(blockedRequest(first, "http://gmail.com/during-outage-" + i));
        }
        Thread.sleep(1_000);
      } // the product stops while Kafka is still down: the events are only in the spool now

      kafka.start();
      try (Webfilter second = start(overrides)) {
        Set<String> seen = awaitEvents(second, refs.size());
        assertEquals(refs, seen, "every event made during the outage arrives, each once");
      }
    }
  }

  static Webfilter start(ConfigOverrides overrides) throws Exception {
    return Webfilter.start(Path.of("../conf/webfilter.yaml"), overrides, Webfilter.Parts.ALL,
        new PrintStream(OutputStream.nullOutputStream()));
  }

  static String blockedRequest(Webfilter w, String url) throws Exception {
    HttpClient c = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", w.proxyAddress().getPort()))).build();
    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(403, r.statusCode());
    String header = r.headers().firstValue("X-Webfilter-Block").orElseThrow();
    return header.substring(header.indexOf("ref=") + 4);
  }

  static Set<String> awaitEvents(Webfilter w, int expected) throws Exception {
    HttpClient c = HttpClient.newHttpClient();
    String auth = "Basic " + Base64.getEncoder().encodeToString("dsl:dsl-pass-1".getBytes(StandardCharsets.UTF_8));
    Set<String> ids = new HashSet<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      ids.clear();
      HttpResponse<String> r = c.send(HttpRequest.newBuilder(
              URI.create(w.uiUrl() + "/api/events?host=gmail.com&q=outage&limit=500")).header("Authorization", auth).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        JsonNode events = new ObjectMapper().readTree(r.body()).get("events");
        events.forEach(e -> ids.add(e.get("eventId").asText()));
        assertTrue(ids.size() == events.size(), "an event was stored twice");
        if (ids.size() >= expected) {
          return ids;
        }
      }
      Thread.sleep(500);
    }
    return ids;
  }
}
