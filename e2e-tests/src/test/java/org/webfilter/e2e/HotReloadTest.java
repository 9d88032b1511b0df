package org.webfilter.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.app.Webfilter;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigOverrides;

/** An edit of the configuration file takes effect in the running proxy; a bad edit is refused. */
class HotReloadTest {
  @RegisterExtension
  static WireMockExtension origin = WireMockExtension.newInstance()
      .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).resetOnEachTest(false).build();

  @TempDir static Path dir;
  static Path config;
  static Webfilter webfilter;
  static HttpClient pupil;

  @BeforeAll
  static void start() throws Exception {
    copyTree(Path.of("../conf"), dir.resolve("conf"));
    config = dir.resolve("conf/webfilter.yaml");
    UserStore.open(dir.resolve("data/users.yaml"))
        .put(new User("ict", "staff", Set.of(UiRole.ICT), UserStore.hash("ict-pass-1")));
    webfilter = Webfilter.start(config,
        new ConfigOverrides(dir.resolve("data"), 0, 0, List.of(), null, Map.of("news.test", "127.0.0.1", "ui-edit.news.test", "127.0.0.1")),
        Webfilter.Parts.ALL, new PrintStream(OutputStream.nullOutputStream()));
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("news")));
    pupil = HttpClient.newBuilder()
        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", webfilter.proxyAddress().getPort()))).build();
  }

  @AfterAll
  static void stop() {
    if (webfilter != null) {
      webfilter.close();
    }
  }

  @Test
  void blockEntryAddedToTheFile_takesEffect_andABadEditKeepsTheOldPolicy() throws Exception {
    String url = "http://news.test:" + origin.getPort() + "/";
    assertEquals(200, status(url));

    String original = Files.readString(config);
    String pupil = "  pupil:\n    extends: pupil-secondary\n";
    assertTrue(original.contains(pupil), "the shipped pupil role changed shape; update this test");
    String blocked = original.replace(pupil, pupil + "    block: [news.test]\n");
    Files.writeString(config, blocked);
    assertEquals(403, awaitStatus(url, 403), "the new block entry is in force within seconds");

    Files.writeString(config, blocked + "\nnot-a-key: [\n");
    Thread.sleep(3_000); // give the watcher time to see, and refuse, the broken file
    assertEquals(403, status(url), "the broken edit was refused and the last good policy stayed");

    Files.writeString(config, original);
    assertEquals(200, awaitStatus(url, 200));
  }

  @Test
  void blockEntryAddedInTheUi_isEnforcedByTheProxyWithinFiveSeconds() throws Exception {
    String url = "http://ui-edit.news.test:" + origin.getPort() + "/";
    assertEquals(200, status(url));
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(webfilter.uiUrl() + "/api/lists/pupil/block"))
            .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("ict:ict-pass-1".getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("entry=ui-edit.news.test&reason=" + URLEncoder.encode("test of the UI edit path", StandardCharsets.UTF_8)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() / 100 == 2, r.statusCode() + " " + r.body());
    long t0 = System.nanoTime();
    assertEquals(403, awaitStatus(url, 403));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms < 5_000, "in force after " + ms + " ms");
  }

  static int status(String url) throws Exception {
    return pupil.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  static int awaitStatus(String url, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    int last;
    do {
      last = status(url);
      if (last == expected) {
        return last;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < deadline);
    return last;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
