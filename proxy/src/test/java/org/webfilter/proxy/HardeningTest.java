package org.webfilter.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxyLimits;
import org.webfilter.policy.config.ProxySettings;

/** Limits, timeouts and malformed requests, on raw sockets; after each test the proxy still serves. */
class HardeningTest {
  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
          .build();

  private static ProxyServer proxy;

  @BeforeAll
  static void start() {
    ProxySettings settings =
        new ProxySettings(
            "127.0.0.1",
            0,
            List.of(Cidr.parse("127.0.0.0/8")),
            Map.of("allowed.test", "127.0.0.1"),
            "hard-node");
    ProxyOptions options =
        ProxyOptions.defaults()
            .withLimits(
                new ProxyLimits(
                    1024, 4096, 20, 6, Duration.ofSeconds(70), Duration.ofSeconds(1),
                    Duration.ofSeconds(15)));
    proxy =
        ProxyServer.start(
            settings, TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(), options);
  }

  @AfterAll
  static void stop() {
    proxy.close();
  }

  @BeforeEach
  void stub() {
    origin.stubFor(any(anyUrl()).willReturn(ok("fine")));
  }

  @AfterEach
  void proxyStillServes() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r = c.send("GET " + url("/after") + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      assertEquals(200, r.status());
      assertEquals("fine", r.body());
    }
  }

  private static String url(String path) {
    return "http://allowed.test:" + origin.getPort() + path;
  }

  private static RawHttp.Response send(String raw) throws IOException {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r = c.send(raw);
      assertTrue(c.closedByPeer(), "connection should be closed after a " + r.status());
      return r;
    }
  }

  @Test
  void tooLongRequestLine_gets414() throws Exception {
    RawHttp.Response r = send("GET " + url("/" + "a".repeat(2000)) + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
    assertEquals(414, r.status());
  }

  @Test
  void tooLargeHeaders_get431() throws Exception {
    RawHttp.Response r =
        send("GET " + url("/big") + " HTTP/1.1\r\nHost: allowed.test\r\nX-Big: " + "b".repeat(5000) + "\r\n\r\n");
    assertEquals(431, r.status());
  }

  @Test
  void tooManyHeaders_get431() throws Exception {
    StringBuilder h = new StringBuilder();
    for (int i = 0; i < 30; i++) {
      h.append("X-H").append(i).append(": v\r\n");
    }
    RawHttp.Response r = send("GET " + url("/many") + " HTTP/1.1\r\nHost: allowed.test\r\n" + h + "\r\n");
    assertEquals(431, r.status());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
        "Content-Length: 5\r\nContent-Length: 6\r\n",
        "Transfer-Encoding: gzip, chunked\r\n",
        "Transfer-Encoding: xchunked\r\n"
      })
  void ambiguousBodyFraming_gets400AndClose(String headers) throws Exception {
    RawHttp.Response r =
        send("POST " + url("/smuggle") + " HTTP/1.1\r\nHost: allowed.test\r\n" + headers + "\r\nhello");
    assertEquals(400, r.status());
    origin.verify(0, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlEqualTo("/smuggle")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Host: a b\r\n", "Host: x.test\r\nHost: y.test\r\n", "Host: <x>\r\n"})
  void invalidHost_gets400AndClose(String host) throws Exception {
    RawHttp.Response r = send("GET " + url("/host") + " HTTP/1.1\r\n" + host + "\r\n");
    assertEquals(400, r.status());
  }

  @Test
  void badChunking_gets400AndClose() throws Exception {
    RawHttp.Response r =
        send(
            "POST " + url("/chunks") + " HTTP/1.1\r\nHost: allowed.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nnot a chunk\r\n0\r\n\r\n");
    assertEquals(400, r.status());
  }

  @Test
  void requestCarryingOurVia_isALoop_gets508() throws Exception {
    RawHttp.Response r =
        send("GET " + url("/loop") + " HTTP/1.1\r\nHost: allowed.test\r\nVia: 1.1 other, 1.1 hard-node\r\n\r\n");
    assertEquals(508, r.status());
    origin.verify(0, getRequestedFor(urlEqualTo("/loop")));
  }

  @Test
  void hopByHopHeaders_areStripped_andViaIsAdded() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r =
          c.send(
              "GET " + url("/hop") + " HTTP/1.1\r\nHost: allowed.test\r\nConnection: keep-alive, X-Secret\r\n"
                  + "X-Secret: s\r\nKeep-Alive: timeout=5\r\nProxy-Connection: keep-alive\r\nX-End: e\r\n\r\n");
      assertEquals(200, r.status());
    }
    origin.verify(
        getRequestedFor(urlEqualTo("/hop"))
            .withoutHeader("X-Secret")
            .withoutHeader("Keep-Alive")
            .withoutHeader("Proxy-Connection")
            .withHeader("X-End", matching("e"))
            .withHeader("Via", matching(".*1\\.1 hard-node.*")));
  }

  @Test
  void slowHeaders_byteByByte_areCutOffWith408() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      c.write("GET " + url("/slow") + " HTTP/1.1\r\n");
      boolean cutOff = false;
      // one header byte every 100 ms: far longer than the 1 s head timeout if never cut off
      for (int i = 0; i < 300 && !cutOff; i++) {
        try {
          c.write("X");
          Thread.sleep(100);
        } catch (IOException e) {
          cutOff = true;
        }
        if (!cutOff && c.available() > 0) {
          cutOff = true;
        }
      }
      assertTrue(cutOff, "a trickling client must be cut off");
      RawHttp.Response r = c.read();
      assertEquals(408, r.status());
    }
    origin.verify(0, getRequestedFor(urlEqualTo("/slow")));
  }

  @Test
  void tooManyConnectionsFromOneClient_get429() throws Exception {
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        RawHttp c = new RawHttp(proxy.address());
        open.add(c);
        // an answer proves the connection is counted
        assertEquals(200, c.send("GET /proxy.pac HTTP/1.1\r\n\r\n").status());
      }
      try (RawHttp extra = new RawHttp(proxy.address())) {
        RawHttp.Response r = extra.read();
        assertEquals(429, r.status());
        assertTrue(extra.closedByPeer());
      }
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
    Thread.sleep(200); // let the proxy see the closes before proxyStillServes
  }
}
