package org.webfilter.proxy;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.webfilter.policy.Cidr;
import org.webfilter.policy.config.ProxySettings;

/**
 * SafeSearch without interception: for pupils, search engines are reached at their safe endpoints.
 * The "real" engines resolve to an origin on 127.0.0.1 and the safe endpoints to one on 127.0.0.2,
 * same port, so the answer shows where the proxy connected.
 */
class SafeSearchTest {
  private static WireMockServer engine;
  private static WireMockServer safe;
  private static ProxyServer proxy;

  @BeforeAll
  static void start() {
    engine = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"));
    engine.start();
    safe = new WireMockServer(wireMockConfig().port(engine.port()).bindAddress("127.0.0.2"));
    safe.start();
    engine.stubFor(any(anyUrl()).willReturn(ok("unfiltered")));
    safe.stubFor(any(anyUrl()).willReturn(ok("safe")));
    ProxySettings settings =
        new ProxySettings(
            "127.0.0.1",
            0,
            List.of(Cidr.parse("127.0.0.0/8")),
            Map.of(
                "www.google.co.uk", "127.0.0.1",
                "www.bing.com", "127.0.0.1",
                "duckduckgo.com", "127.0.0.1",
                "www.youtube.com", "127.0.0.1",
                SafeSearch.GOOGLE, "127.0.0.2",
                SafeSearch.BING, "127.0.0.2",
                SafeSearch.DUCKDUCKGO, "127.0.0.2",
                SafeSearch.YOUTUBE, "127.0.0.2"),
            "ss-node");
    ProxyOptions options =
        ProxyOptions.defaults()
            .withRestrictRole(role -> role.equals("pupil"))
            .withSafeSearchRole(role -> role.equals("pupil"))
            .withConnectPorts(Set.of(443, engine.port()));
    proxy =
        ProxyServer.start(
            settings, TestPolicy::new, new CollectingSink(), Clock.systemUTC(), Optional.empty(), options);
  }

  @AfterAll
  static void stop() {
    proxy.close();
    engine.stop();
    safe.stop();
  }

  /** Opens a tunnel, speaks plain HTTP inside (the port is not 443) and returns the body. */
  private static String throughTunnel(String host, String extraHeaders) throws Exception {
    String authority = host + ":" + engine.port();
    try (Socket s = new Socket()) {
      s.connect(proxy.address(), 2_000);
      s.setSoTimeout(10_000);
      ConnectRequest.establish(s, authority, extraHeaders);
      s.getOutputStream()
          .write(
              ("GET /search?q=x HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String all = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertTrue(all.startsWith("HTTP/1.1 200"), all);
      return all.substring(all.lastIndexOf("\r\n\r\n") + 4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"www.google.co.uk", "www.bing.com", "duckduckgo.com", "www.youtube.com"})
  void connectToSearchEngine_forPupil_tunnelsToSafeEndpoint(String host) throws Exception {
    assertEquals("safe", throughTunnel(host, ""));
  }

  @Test
  void connectToSearchEngine_forStaff_tunnelsToTheEngine() throws Exception {
    String login =
        "Proxy-Authorization: Basic "
            + Base64.getEncoder().encodeToString("staff:pw".getBytes(StandardCharsets.UTF_8))
            + "\r\n";
    assertEquals("unfiltered", throughTunnel("www.google.co.uk", login));
  }

  @Test
  void plainHttpSearch_forPupil_goesToSafeEndpoint() throws Exception {
    try (RawHttp c = new RawHttp(proxy.address())) {
      RawHttp.Response r =
          c.send("GET http://www.bing.com:" + engine.port() + "/search?q=x HTTP/1.1\r\nHost: www.bing.com\r\n\r\n");
      assertEquals(200, r.status());
      assertEquals("safe", r.body());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"www.google.com", "google.de", "www.google.com.au", "google.co.uk"})
  void googleSearchHosts_mapToForceSafeSearch(String host) {
    assertEquals(Optional.of(SafeSearch.GOOGLE), SafeSearch.endpointFor(host));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mail.google.com", "google.example.com", "notgoogle.com", "bing.com.evil.test"})
  void otherHosts_areLeftAlone(String host) {
    assertEquals(Optional.empty(), SafeSearch.endpointFor(host));
  }
}
