package org.webfilter.e2e;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
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

/**
 * The whole path with real parts: the shipped configuration, an embedded Kafka broker, the proxy and the
 * logs UI started by the production wiring on free ports, WireMock origins, and real HTTP clients.
 */
class AllInOneTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static WireMockExtension origin =
      WireMockExtension.newInstance()
          .options(wireMockConfig().dynamicPort().dynamicHttpsPort().bindAddress("127.0.0.1"))
          .resetOnEachTest(false)
          .build();

  @TempDir static Path dir;
  static Webfilter webfilter;
  static String proxyHost;
  static int proxyPort;
  static HttpClient pupil;

  @BeforeAll
  static void start() throws Exception {
    Path lists = dir.resolve("test-lists");
    Files.createDirectories(lists.resolve("adult"));
    Files.write(lists.resolve("adult/domains"), List.of("# test adult list", "adult-site.test"));
    Files.createDirectories(lists.resolve("extremist"));
    Files.write(lists.resolve("extremist/domains"), List.of("extremist-site.test"));
    // UT1's webmail list covers all of office365.com; the pupil role's allow entries must still win.
    Files.createDirectories(lists.resolve("webmail"));
    Files.write(lists.resolve("webmail/domains"), List.of("office365.com"));
    Path data = dir.resolve("data");
    UserStore users = UserStore.open(data.resolve("users.yaml"));
    users.put(new User("t.teacher", "staff", Set.of(), UserStore.hash("teacher-pass")));
    users.put(new User("dsl", "staff", Set.of(UiRole.DSL), UserStore.hash("dsl-pass-1")));
    users.put(new User("ict", "staff", Set.of(UiRole.ICT), UserStore.hash("ict-pass-1")));
    Map<String, String> resolve =
        Map.of("outlook.office365.com", "127.0.0.1", "www.school-news.test", "127.0.0.1", "gmail.com", "127.0.0.1",
            "en.wikipedia.org", "127.0.0.1");
    // A pupil may CONNECT only to the configured ports: add the HTTPS origin's port to a copy of the
    // shipped configuration.
    HotReloadTest.copyTree(Path.of("../conf"), dir.resolve("conf"));
    Path config = dir.resolve("conf/webfilter.yaml");
    Files.writeString(config, Files.readString(config)
        .replace("  port: 3128\n", "  port: 3128\n  connect-ports: [443, " + origin.getHttpsPort() + "]\n"));
    webfilter = Webfilter.start(config,
        new ConfigOverrides(data, 0, 0, List.of(lists), null, resolve), Webfilter.Parts.ALL,
        new PrintStream(OutputStream.nullOutputStream()));
    proxyHost = "127.0.0.1";
    proxyPort = webfilter.proxyAddress().getPort();
    pupil = client();
    origin.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200).withBody("hello from origin")));
  }

  @AfterAll
  static void stop() {
    if (webfilter != null) {
      webfilter.close();
    }
  }

  static HttpClient client() throws Exception {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(new InetSocketAddress(proxyHost, proxyPort)))
            .connectTimeout(Duration.ofSeconds(10))
            .sslContext(trustAll())
            .sslParameters(noHostnameCheck());
    return b.build();
  }

  static HttpResponse<String> get(HttpClient c, String url) throws Exception {
    return c.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void pupil_consumerWebmail_isBlocked_withBlockPageHeaderAndEvent() throws Exception {
    HttpResponse<String> r = get(pupil, "http://gmail.com/inbox?case=webmail");
    assertEquals(403, r.statusCode());
    String header = r.headers().firstValue("X-Webfilter-Block").orElseThrow();
    assertTrue(header.startsWith("webmail; rule=pupil.category.webmail; ref="), header);
    assertTrue(r.body().contains("webmail"), r.body());
    String ref = header.substring(header.indexOf("ref=") + 4);
    assertTrue(r.body().contains(ref), "block page shows the reference id");

    JsonNode e = awaitEvent("host=gmail.com&q=" + enc("webmail"), "dsl", "dsl-pass-1");
    assertEquals(ref, e.get("eventId").asText());
    assertTrue(e.get("user").isNull());
    assertEquals("pupil", e.get("role").asText());
    assertEquals("127.0.0.1", e.get("clientIp").asText());
    assertEquals("BLOCK", e.get("decision").asText());
    assertEquals("pupil.category.webmail", e.get("rule").asText());
    assertEquals(List.of("webmail"), strings(e.get("categories")));
    assertEquals(403, e.get("status").asInt());
  }

  @Test
  void reviewFromTheBlockPage_reachesTheIctReviewQueue_throughKafka() throws Exception {
    HttpResponse<String> page = get(pupil, "http://gmail.com/review-me");
    assertEquals(403, page.statusCode());
    String header = page.headers().firstValue("X-Webfilter-Block").orElseThrow();
    String ref = header.substring(header.indexOf("ref=") + 4);
    assertTrue(page.body().contains("action=\"/.webfilter/review\""), page.body());

    // what the browser sends when the pupil presses the button: the blocked site's origin, via the proxy
    HttpResponse<String> sent = get(pupil, "http://gmail.com/.webfilter/review?ref=" + ref + "&reason="
        + enc("our class uses it for the <pen-pal> project"));
    assertEquals(200, sent.statusCode(), sent.body());

    HttpClient direct = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    JsonNode found = null;
    while (found == null && System.nanoTime() < deadline) {
      HttpResponse<String> r = direct.send(
          HttpRequest.newBuilder(URI.create(webfilter.uiUrl() + "/api/review-requests?status=open"))
              .header("Authorization", basic("ict", "ict-pass-1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      for (JsonNode n : JSON.readTree(r.body()).get("requests")) {
        if (ref.equals(n.get("ref").asText())) {
          found = n;
        }
      }
      Thread.sleep(200);
    }
    assertTrue(found != null, "the review request reached the UI within 30 s");
    assertEquals("http://gmail.com/review-me", found.get("url").asText());
    assertEquals("pupil", found.get("role").asText());
    assertEquals("127.0.0.1", found.get("ip").asText());
    assertEquals("pupil.category.webmail", found.get("rule").asText());
    assertEquals("our class uses it for the <pen-pal> project", found.get("reason").asText());
  }

  @Test
  void pupil_hostInAdultList_isBlocked() throws Exception {
    HttpResponse<String> r = get(pupil, "http://www.adult-site.test/page");
    assertEquals(403, r.statusCode());
    assertTrue(r.headers().firstValue("X-Webfilter-Block").orElseThrow().startsWith("adult; rule=pupil.category.adult;"));
    JsonNode e = awaitEvent("host=www.adult-site.test", "dsl", "dsl-pass-1");
    assertEquals(List.of("adult"), strings(e.get("categories")));
    assertEquals("pupil.category.adult", e.get("rule").asText());
  }

  @Test
  void pupil_schoolMicrosoft365Mail_isAllowed_andReachesOrigin() throws Exception {
    HttpResponse<String> r = get(pupil, "http://outlook.office365.com:" + origin.getPort() + "/mail/inbox");
    assertEquals(200, r.statusCode());
    assertEquals("hello from origin", r.body());
    origin.verify(getRequestedFor(urlEqualTo("/mail/inbox")));
    JsonNode e = awaitEvent("host=outlook.office365.com", "dsl", "dsl-pass-1");
    assertEquals("ALLOW", e.get("decision").asText());
    assertEquals("pupil.allow:outlook.office365.com", e.get("rule").asText());
    assertEquals(List.of("webmail"), strings(e.get("categories")));
    assertEquals(200, e.get("status").asInt());
  }

  @Test
  void pupil_ordinaryHost_isAllowed_overHttpAndThroughConnect() throws Exception {
    HttpResponse<String> r = get(pupil, "http://www.school-news.test:" + origin.getPort() + "/news");
    assertEquals(200, r.statusCode());
    assertEquals("hello from origin", r.body());
    HttpResponse<String> tls = get(pupil, "https://www.school-news.test:" + origin.getHttpsPort() + "/secure");
    assertEquals(200, tls.statusCode());
    assertEquals("hello from origin", tls.body());
    JsonNode e = awaitEvent("host=www.school-news.test&decision=ALLOW&q=" + enc("news"), "dsl", "dsl-pass-1");
    assertEquals("default.allow", e.get("rule").asText());
    JsonNode connect = awaitEventMatching("host=www.school-news.test", "dsl", "dsl-pass-1",
        n -> n.get("method").asText().equals("CONNECT"));
    assertEquals("https", connect.get("scheme").asText());
    assertEquals(origin.getHttpsPort(), connect.get("port").asInt());
  }

  @Test
  void searchTerms_areDecodedIntoTheEvent() throws Exception {
    HttpResponse<String> r = get(pupil,
        "http://en.wikipedia.org:" + origin.getPort() + "/w/index.php?search=volcano+eruption%20diagram");
    assertEquals(200, r.statusCode());
    JsonNode e = awaitEvent("host=en.wikipedia.org&q=" + enc("volcano"), "dsl", "dsl-pass-1");
    assertEquals("volcano eruption diagram", e.get("searchTerms").asText());
  }

  @Test
  void extremistAttempt_isBlocked_andRaisesAHighSeverityAlertOnTheAlertsTopic() throws Exception {
    HttpResponse<String> r = get(pupil, "http://extremist-site.test/join");
    assertEquals(403, r.statusCode());
    String header = r.headers().firstValue("X-Webfilter-Block").orElseThrow();
    String ref = header.substring(header.indexOf("ref=") + 4);
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
        "bootstrap.servers", webfilter.kafkaBootstrap(), "group.id", "alerts-test", "auto.offset.reset", "earliest"),
        new StringDeserializer(), new StringDeserializer())) {
      c.subscribe(List.of("webfilter.alerts"));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(500))) {
          JsonNode alert = JSON.readTree(rec.value());
          if (alert.get("event").get("eventId").asText().equals(ref)) {
            assertEquals("high", alert.get("severity").asText().toLowerCase());
            assertEquals("extremist", alert.get("kind").asText());
            return;
          }
        }
      }
      throw new AssertionError("no alert for event " + ref + " within 30 s");
    }
  }

  @Test
  void pupil_connectToConsumerWebmail_isBlocked() throws Exception {
    String response = raw("CONNECT gmail.com:443 HTTP/1.1\r\nHost: gmail.com:443\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 403"), response);
    assertTrue(response.contains("X-Webfilter-Block: webmail; rule=pupil.category.webmail; ref="), response);
  }

  @Test
  void staff_byProxyLogin_mayUseWebmail() throws Exception {
    // The pupil network does not ask for a login, so the client offers it up front (as a managed
    // browser configured with proxy credentials does).
    HttpResponse<String> r = pupil.send(
        HttpRequest.newBuilder(URI.create("http://gmail.com:" + origin.getPort() + "/staff-inbox"))
            .header("Proxy-Authorization", basic("t.teacher", "teacher-pass")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertEquals("hello from origin", r.body());
    JsonNode e = awaitEvent("user=t.teacher&host=gmail.com&decision=ALLOW", "dsl", "dsl-pass-1");
    assertEquals("staff", e.get("role").asText());
    assertEquals(List.of("webmail"), strings(e.get("categories")));
  }

  @Test
  void wrongProxyPassword_gets407() throws Exception {
    String creds = Base64.getEncoder().encodeToString("t.teacher:wrong".getBytes(StandardCharsets.UTF_8));
    String response = raw("GET http://gmail.com/ HTTP/1.1\r\nHost: gmail.com\r\nProxy-Authorization: Basic " + creds + "\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 407"), response);
    assertTrue(response.toLowerCase().contains("proxy-authenticate: basic"), response);
  }

  @Test
  void eventsApi_needsCredentials_andTheDslRole() throws Exception {
    HttpClient direct = HttpClient.newHttpClient();
    String url = webfilter.uiUrl() + "/api/events";
    HttpResponse<String> anonymous = direct.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(401, anonymous.statusCode());
    HttpResponse<String> ict = direct.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic("ict", "ict-pass-1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(403, ict.statusCode());
    HttpResponse<String> dsl = direct.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", basic("dsl", "dsl-pass-1")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, dsl.statusCode());
  }

  @Test
  void metrics_areServedForPrometheus_andCountPublishedEvents() throws Exception {
    for (int i = 0; i < 3; i++) { // a host enters the category cache when seen again
      get(pupil, "http://gmail.com/for-metrics");
    }
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(webfilter.uiUrl() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), r.headers().toString());
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(webfilter_\\w*produced\\w*) (\\d+)").matcher(r.body());
    assertTrue(m.find(), r.body());
    assertTrue(Long.parseLong(m.group(2)) >= 1, r.body());
    java.util.regex.Matcher hits = java.util.regex.Pattern.compile("(?m)^webfilter_host_cache_hits_total (\\d+)").matcher(r.body());
    assertTrue(hits.find(), r.body());
    assertTrue(Long.parseLong(hits.group(1)) >= 1, r.body());
  }

  @Test
  void malformedRequest_gets400_andTheProxyKeepsServing() throws Exception {
    String response = raw("THIS IS NOT HTTP\r\n\r\n");
    assertTrue(response.startsWith("HTTP/1.1 400"), response);
    assertEquals(403, get(pupil, "http://gmail.com/after-garbage").statusCode());
  }

  // --- helpers

  static JsonNode awaitEvent(String query, String user, String password) throws Exception {
    return awaitEventMatching(query, user, password, n -> true);
  }

  static JsonNode awaitEventMatching(String query, String user, String password, java.util.function.Predicate<JsonNode> match)
      throws Exception {
    HttpClient direct = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      HttpResponse<String> r = direct.send(
          HttpRequest.newBuilder(URI.create(webfilter.uiUrl() + "/api/events?" + query))
              .header("Authorization", basic(user, password)).build(),
          HttpResponse.BodyHandlers.ofString());
      last = r.statusCode() + " " + r.body();
      if (r.statusCode() == 200) {
        for (JsonNode n : JSON.readTree(r.body()).get("events")) {
          if (match.test(n)) {
            return n;
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no event for " + query + " within 30 s; last answer: " + last);
  }

  static String raw(String request) throws IOException {
    try (Socket s = new Socket(proxyHost, proxyPort)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          if (out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            break; // the status line and headers are what these tests look at
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        // return what arrived
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }

  static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static List<String> strings(JsonNode array) {
    assertNotNull(array);
    return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }

  /** WireMock's HTTPS port has a self-signed certificate; only this test client trusts it. */
  static SSLContext trustAll() throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] c, String a) {}
      @Override public void checkServerTrusted(X509Certificate[] c, String a) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }}, new SecureRandom());
    return ctx;
  }

  static SSLParameters noHostnameCheck() {
    SSLParameters p = new SSLParameters();
    p.setEndpointIdentificationAlgorithm(null);
    return p;
  }

}
