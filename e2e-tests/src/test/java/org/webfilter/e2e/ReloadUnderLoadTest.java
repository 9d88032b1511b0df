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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.app.Webfilter;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.config.ConfigOverrides;

/**
 * The configuration file is edited again and again while clients browse through the proxy: no request
 * fails, and every answer is what either the old or the new policy gives — never an error, never a mix.
 */
class ReloadUnderLoadTest {
  static final int CLIENTS = 3;
  static final int SWITCHES = 4;

  @RegisterExtension
  static WireMockExtension origin = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

  @TempDir Path dir;

  @Test
  void policyFlipsWhileRequestsFlow_everyAnswerIsTheOldOrTheNewPolicys() throws Exception {
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("flip")));
    HotReloadTest.copyTree(Path.of("../conf"), dir.resolve("conf"));
    Path config = dir.resolve("conf/webfilter.yaml");
    String allowed = Files.readString(config);
    String pupil = "  pupil:\n    extends: pupil-secondary\n";
    assertTrue(allowed.contains(pupil), "the shipped pupil role changed shape; update this test");
    String blocked = allowed.replace(pupil, pupil + "    block: [flip.test]\n");

    try (EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), EmbeddedKafka.freePort(), EmbeddedKafka.freePort())) {
      kafka.start();
      kafka.createTopics(List.of("webfilter.access", "webfilter.alerts"), 1);
      try (Webfilter w = Webfilter.start(config,
          new ConfigOverrides(dir.resolve("data"), 0, 0, List.of(), kafka.bootstrapServers(), Map.of("flip.test", "127.0.0.1")),
          Webfilter.Parts.PROXY, new PrintStream(OutputStream.nullOutputStream()))) {
        flipWhileBrowsing(w, config, allowed, blocked);
      }
    }
  }

  private static void flipWhileBrowsing(Webfilter w, Path config, String allowed, String blocked) throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", w.proxyAddress().getPort()))).build();
    URI uri = URI.create("http://flip.test:" + origin.getPort() + "/page");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger allowedSeen = new AtomicInteger();
    AtomicInteger blockedSeen = new AtomicInteger();
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    try {
      for (int i = 0; i < CLIENTS; i++) {
        pool.submit(() -> {
          while (!stop.get()) {
            try {
              HttpResponse<String> r = client.send(
                  HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
              Optional<String> header = r.headers().firstValue("X-Webfilter-Block");
              if (r.statusCode() == 200 && header.isEmpty() && r.body().equals("flip")) {
                allowedSeen.incrementAndGet();
              } else if (r.statusCode() == 403 && header.orElse("").contains("rule=pupil.block:flip.test;")) {
                blockedSeen.incrementAndGet();
              } else {
                wrong.add(r.statusCode() + " " + header);
              }
            } catch (Exception e) {
              wrong.add(e.toString());
            }
          }
          return null;
        });
      }
      // Flip the policy SWITCHES times, each time waiting (bounded) until the clients see the new one.
      for (int i = 0; i < SWITCHES; i++) {
        boolean block = i % 2 == 0;
        AtomicInteger counter = block ? blockedSeen : allowedSeen;
        int before = counter.get();
        Files.writeString(config, block ? blocked : allowed);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (counter.get() == before && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        // the new outcome keeps coming, so the switch is complete, not a stray request
        int seen = counter.get();
        while (counter.get() < seen + CLIENTS && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(counter.get() > before, "switch " + i + " to " + (block ? "blocked" : "allowed") + " took effect");
      }
    } finally {
      stop.set(true);
      pool.shutdown();
      pool.awaitTermination(20, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertEquals(List.of(), List.copyOf(wrong), "every answer is the old or the new policy's");
    assertTrue(allowedSeen.get() > 0 && blockedSeen.get() > 0, allowedSeen + " allowed, " + blockedSeen + " blocked");
  }
}
