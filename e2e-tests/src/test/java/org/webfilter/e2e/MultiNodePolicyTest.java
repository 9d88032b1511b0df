package org.webfilter.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.app.Webfilter;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * Two nodes of a trust (separate data directories, one Kafka broker) share policy edits through the
 * compacted topic {@code webfilter.policy}: an edit made in node A's UI is enforced by node B's proxy,
 * and a version that does not validate is refused by B while its policy in force stays.
 */
class MultiNodePolicyTest {
  @RegisterExtension
  static WireMockExtension origin = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @TempDir Path dir;

  @Test
  void editInNodeAsUi_isEnforcedByNodeBsProxy_andABadVersionIsRefused() throws Exception {
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("shared")));
    HotReloadTest.copyTree(Path.of("../conf"), dir.resolve("conf"));
    Path config = dir.resolve("conf/webfilter.yaml");
    UserStore.open(dir.resolve("a/users.yaml"))
        .put(new User("ict", "staff", Set.of(UiRole.ICT), UserStore.hash("ict-pass-1")));
    PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), EmbeddedKafka.freePort(), EmbeddedKafka.freePort())) {
      kafka.start();
      kafka.createTopics(List.of("webfilter.access", "webfilter.alerts"), 1);
      Map<String, String> resolve = Map.of("shared.test", "127.0.0.1");
      try (Webfilter a = Webfilter.start(config,
              new ConfigOverrides(dir.resolve("a"), 0, 0, List.of(), kafka.bootstrapServers(), resolve),
              Webfilter.Parts.ALL, quiet);
          Webfilter b = Webfilter.start(config,
              new ConfigOverrides(dir.resolve("b"), 0, 0, List.of(), kafka.bootstrapServers(), resolve),
              Webfilter.Parts.PROXY, quiet)) {
        HttpClient viaB = HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", b.proxyAddress().getPort()))).build();
        String url = "http://shared.test:" + origin.getPort() + "/";
        assertEquals(200, get(viaB, url).statusCode());

        HttpResponse<String> edit = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(a.uiUrl() + "/api/lists/pupil/block"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ict:ict-pass-1".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                    "entry=shared.test&reason=" + URLEncoder.encode("trust-wide block", StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertTrue(edit.statusCode() / 100 == 2, edit.statusCode() + " " + edit.body());

        HttpResponse<String> blocked = await(() -> get(viaB, url), r -> r.statusCode() == 403);
        assertEquals(403, blocked.statusCode(), "node B enforces node A's edit");
        assertTrue(blocked.headers().firstValue("X-Webfilter-Block").orElse("").contains("rule=pupil.block:shared.test"),
            blocked.headers().map().toString());
        Optional<String> version = await(a::sharedPolicyVersion, v -> v.isPresent() && v.equals(b.sharedPolicyVersion()));
        assertTrue(version.isPresent() && version.equals(b.sharedPolicyVersion()),
            "B applied A's version instead of publishing one of its own: " + version + " / " + b.sharedPolicyVersion());

        // A version naming a role this trust's configuration lacks must be refused, not half-applied.
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
          p.send(new ProducerRecord<>("webfilter.policy", "policy-edits",
              "{\"version\":\"bad-1\",\"origin\":\"test\",\"author\":\"test\",\"time\":\"2026-11-23T10:00:00Z\","
                  + "\"edits\":\"roles:\\n  no-such-role:\\n    block-categories: [games]\\n\"}")).get();
        }
        assertEquals(Optional.of("bad-1"), await(b::refusedSharedPolicyVersion, v -> v.isPresent()));
        assertEquals(403, get(viaB, url).statusCode(), "the policy in force stays after a refused version");
        assertEquals(version, b.sharedPolicyVersion());
      }
    }
  }

  static HttpResponse<String> get(HttpClient c, String url) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until {@code done} holds or 30 s pass; returns the last value either way. */
  static <T> T await(Callable<T> value, java.util.function.Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    T last = value.call();
    while (!done.test(last) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      last = value.call();
    }
    return last;
  }
}
