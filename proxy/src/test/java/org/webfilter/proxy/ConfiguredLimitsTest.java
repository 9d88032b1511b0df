package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.policy.config.ConfigLoader;
import org.webfilter.policy.config.ProxySettings;

/**
 * {@code proxy.limits} and {@code proxy.upstream} from a configuration file reach the running
 * proxy, the way the app passes them on ({@code Webfilter.proxyOptions}): a small limit is
 * enforced, and the pool keeps as many idle connections, for as long, as configured. The origin is
 * a real Netty server counting its connections; the proxy has one event loop, so one pool.
 */
class ConfiguredLimitsTest {
  @TempDir Path dir;
  private CountingOrigin origin;
  private ProxyServer proxy;

  @BeforeEach
  void startOrigin() {
    origin = new CountingOrigin(null);
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    origin.close();
  }

  private void startProxy(String... proxyKeys) throws Exception {
    List<String> yaml = new ArrayList<>(List.of("data-dir: data", "proxy:", "  port: 0"));
    yaml.add("  resolve: {origin.test: 127.0.0.1}");
    yaml.addAll(List.of(proxyKeys));
    yaml.add("roles: {pupil: {block-categories: [adult]}}");
    Path file = dir.resolve("webfilter.yaml");
    Files.write(file, yaml);
    ProxySettings settings = ConfigLoader.load(file).proxy();
    ProxyOptions options =
        ProxyOptions.defaults().withLimits(settings.limits()).withUpstream(settings.upstream());
    proxy =
        ProxyServer.start(
            settings, TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(),
            options, 1);
  }

  private String get(String path, int headers) {
    StringBuilder s =
        new StringBuilder("GET http://origin.test:" + origin.port() + path + " HTTP/1.1\r\n");
    s.append("Host: origin.test\r\n");
    for (int i = 1; i < headers; i++) {
      s.append("X-Extra-").append(i).append(": ").append(i).append("\r\n");
    }
    return s.append("\r\n").toString();
  }

  private RawHttp.Response send(String request) throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      return c.send(request);
    }
  }

  @Test
  void maxHeaderCount10_requestWith20Headers_gets431_andOneWith10IsServed() throws Exception {
    startProxy("  limits: {max-header-count: 10}");
    assertEquals(431, send(get("/many", 20)).status());
    RawHttp.Response r = send(get("/few", 10));
    assertEquals(200, r.status());
    assertEquals("/few tls=false conn=1", r.body());
  }

  @Test
  void idlePerOrigin1_closesTheSecondIdleConnection_andReusesTheFirst() throws Exception {
    startProxy("  upstream: {idle-per-origin: 1}");
    assertEquals("/a tls=false conn=1", send(get("/a", 1)).body()); // conn 1 waits in the pool
    // a request with a body never takes a pooled connection: conn 2, then given back too
    RawHttp.Response post =
        send(
            "POST http://origin.test:" + origin.port() + "/form HTTP/1.1\r\nHost: origin.test\r\n"
                + "Content-Length: 2\r\n\r\nhi");
    assertEquals("/form tls=false conn=2", post.body());
    awaitOpen(1); // only one is kept: the pool closed the other
    assertEquals("/b tls=false conn=1", send(get("/b", 1)).body());
    assertEquals(2, origin.accepted.get());
  }

  @Test
  void idlePerOrigin0_keepsNone() throws Exception {
    startProxy("  upstream: {idle-per-origin: 0}");
    assertEquals("/a tls=false conn=1", send(get("/a", 1)).body());
    awaitOpen(0);
    assertEquals("/b tls=false conn=2", send(get("/b", 1)).body());
  }

  /** The pool's age check reads the real clock, so this test waits out a one-second keep. */
  @Test
  void idleKeep1s_connectionIdleLonger_isNotReused() throws Exception {
    startProxy("  upstream: {idle-keep-seconds: 1}");
    assertEquals("/a tls=false conn=1", send(get("/a", 1)).body());
    assertEquals("/b tls=false conn=1", send(get("/b", 1)).body(), "reused within the second");
    Thread.sleep(1_300);
    assertEquals("/c tls=false conn=2", send(get("/c", 1)).body());
    awaitOpen(1); // the stale one was closed, not left open
  }

  /** Polls the origin's count of open connections (closes arrive asynchronously). */
  private void awaitOpen(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (origin.open() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, origin.open(), "open connections at the origin");
  }
}
