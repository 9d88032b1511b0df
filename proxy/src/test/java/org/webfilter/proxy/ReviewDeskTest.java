package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ProxySelector;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.ReviewRequest;
import org.webfilter.policy.Cidr;

/**
 * "Ask for a review" from a real block page, through the real proxy: the form's request is answered
 * by the proxy (never forwarded), and the review request carries what the proxy itself recorded.
 */
class ReviewDeskTest {
  /** An event sink that also takes review requests, as the Kafka publisher does. */
  static final class ReviewSink implements EventSink {
    final List<AccessEvent> events = new CopyOnWriteArrayList<>();
    final List<ReviewRequest> reviews = new CopyOnWriteArrayList<>();

    @Override
    public void publish(AccessEvent event) {
      events.add(event);
    }

    @Override
    public boolean publishReview(ReviewRequest request) {
      reviews.add(request);
      return true;
    }

    @Override
    public boolean takesReviews() {
      return true;
    }
  }

  private static final Pattern REF = Pattern.compile("name=\"ref\" value=\"([0-9a-f-]{36})\"");
  private final ReviewSink sink = new ReviewSink();
  private ProxyServer proxy;
  private HttpClient client;

  @BeforeEach
  void start() {
    proxy = ProxyServer.start(ProxyServerTest.settings(List.of(Cidr.parse("127.0.0.0/8"))), TestPolicy::new, sink,
        Clock.systemUTC(), Optional.empty(), ProxyOptions.defaults());
    client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Opens a blocked page and returns the reference its review form carries. */
  private String blockedRef(String path) throws Exception {
    HttpResponse<String> page = get("http://blocked.test" + path);
    assertEquals(403, page.statusCode());
    assertTrue(page.body().contains("action=\"" + ReviewDesk.PATH + "\""), page.body());
    Matcher m = REF.matcher(page.body());
    assertTrue(m.find(), page.body());
    return m.group(1);
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void reviewFromTheBlockPage_isAnsweredByTheProxy_withWhatTheProxyRecorded() throws Exception {
    String ref = blockedRef("/homework?x=1");

    HttpResponse<String> answer =
        get("http://blocked.test" + ReviewDesk.PATH + "?ref=" + ref + "&reason=" + enc("For <b>science</b>\u0007 homework"));

    assertEquals(200, answer.statusCode(), answer.body());
    assertTrue(answer.body().contains("Request sent"), answer.body());
    assertEquals(1, sink.reviews.size());
    ReviewRequest r = sink.reviews.get(0);
    assertEquals(UUID.fromString(ref), r.ref());
    assertEquals(ReviewRequest.idFor(r.ref()), r.requestId());
    assertEquals("http://blocked.test/homework?x=1", r.url());
    assertEquals("pupil", r.role());
    assertNull(r.user());
    assertEquals("127.0.0.1", r.clientIp());
    assertEquals("adult", r.category());
    assertEquals("pupil.category.adult", r.rule());
    assertEquals("For <b>science</b> homework", r.pupilReason()); // control character dropped, text kept as text
    // the review request itself is no web access: only the blocked page's event was published
    assertTrue(sink.events.stream().noneMatch(e -> e.url() != null && e.url().contains(ReviewDesk.PATH)), sink.events::toString);
  }

  @Test
  void askingTwice_sendsOneRequest() throws Exception {
    String ref = blockedRef("/a");
    assertEquals(200, get("http://blocked.test" + ReviewDesk.PATH + "?ref=" + ref).statusCode());
    HttpResponse<String> again = get("http://blocked.test" + ReviewDesk.PATH + "?ref=" + ref);
    assertTrue(again.body().contains("Already sent"), again.body());
    assertEquals(1, sink.reviews.size());
  }

  @Test
  void anUnknownOrForgedReference_sendsNothing() throws Exception {
    HttpResponse<String> forged = get("http://allowed.test" + ReviewDesk.PATH + "?ref=" + UUID.randomUUID());
    assertEquals(404, forged.statusCode());
    assertEquals(404, get("http://blocked.test" + ReviewDesk.PATH + "?ref=not-a-uuid").statusCode());
    assertEquals(List.of(), sink.reviews);
  }

  @Test
  void aDevice_mayAskOnlyAFewTimesPerWindow() throws Exception {
    for (int i = 0; i < ReviewDesk.PER_CLIENT; i++) {
      assertEquals(200, get("http://blocked.test" + ReviewDesk.PATH + "?ref=" + blockedRef("/p" + i)).statusCode());
    }
    HttpResponse<String> tooMany = get("http://blocked.test" + ReviewDesk.PATH + "?ref=" + blockedRef("/last"));
    assertEquals(429, tooMany.statusCode());
    assertEquals(ReviewDesk.PER_CLIENT, sink.reviews.size());
  }

  @Test
  void aSinkWithoutReviews_meansNoReviewButton() throws Exception {
    proxy.close();
    proxy = ProxyServer.start(ProxyServerTest.settings(List.of(Cidr.parse("127.0.0.0/8"))), TestPolicy::new,
        sink::publish, Clock.systemUTC(), Optional.empty(), ProxyOptions.defaults());
    client = HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
    HttpResponse<String> page = get("http://blocked.test/x");
    assertEquals(403, page.statusCode());
    assertTrue(!page.body().contains("<form"), page.body());
  }
}
