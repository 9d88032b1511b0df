package org.webfilter.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.webfilter.events.ReviewRequest;

/**
 * Takes "ask for a review" requests from block pages, on the proxy itself.
 *
 * <p>Why here and not in the logs UI: a pupil's browser goes through the proxy, and the proxy never
 * lets it reach the UI. So the block page's form asks for {@link #PATH} on the blocked site's own
 * origin (which also works on intercepted HTTPS pages, with no mixed content), and the proxy answers
 * it without forwarding anything. The request then travels as a {@link ReviewRequest} through the
 * event pipeline to the logs UI's review queue.
 *
 * <p>Nothing the form sends is trusted but the pupil's reason: the {@code ref} must be a block this
 * proxy showed in the last {@link #REMEMBER_FOR} to the same device and user, and everything else
 * (URL, role, rule) comes from that record. That also makes a forged link on another site useless
 * (it would need the reference, a random UUID). One request per block; {@value #PER_CLIENT} per
 * device per {@link #WINDOW}.
 */
final class ReviewDesk {
  static final String PATH = "/.webfilter/review";
  static final Duration REMEMBER_FOR = Duration.ofHours(8);
  static final int PER_CLIENT = 5;
  static final Duration WINDOW = Duration.ofMinutes(10);

  /** What a block page showed, to whom. */
  private record Shown(String user, String role, String clientIp, String url, String category, String rule,
      String reason) {}

  private final EventSink sink;
  private final Clock clock;
  private final String proxyNode;
  private final BlockPage pages;
  private final Cache<UUID, Shown> shown =
      Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(REMEMBER_FOR).build();
  private final Cache<UUID, Boolean> asked =
      Caffeine.newBuilder().maximumSize(200_000).expireAfterWrite(REMEMBER_FOR).build();
  private final Cache<String, Deque<Instant>> recentByClient =
      Caffeine.newBuilder().maximumSize(100_000).expireAfterAccess(WINDOW).build();

  ReviewDesk(EventSink sink, Clock clock, String proxyNode, BlockPage pages) {
    this.sink = sink;
    this.clock = clock;
    this.proxyNode = proxyNode;
    this.pages = pages;
  }

  /** Whether block pages offer a review (the event sink can deliver review requests). */
  boolean open() {
    return sink.takesReviews();
  }

  /** Whether {@code pathAndQuery} asks for the review desk. */
  static boolean isFor(String pathAndQuery) {
    return pathAndQuery != null && pathAndQuery.startsWith(PATH)
        && (pathAndQuery.length() == PATH.length() || pathAndQuery.charAt(PATH.length()) == '?');
  }

  /** Remembers a block page about to be shown, so the pupil may ask for a review of it. */
  void shown(Exchange x, String category) {
    if (open() && x.url() != null) {
      shown.put(x.id, new Shown(x.user(), x.role(), x.clientIp(), x.url(), category, x.rule(), x.reason()));
    }
  }

  /** The answer to a review request from {@code clientIp} (signed in as {@code user}, or null). */
  FullHttpResponse answer(String method, String pathAndQuery, String clientIp, String user, boolean head) {
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return page(HttpResponseStatus.METHOD_NOT_ALLOWED, "Not sent", "Use the button on the block page.", head);
    }
    QueryStringDecoder q = new QueryStringDecoder(pathAndQuery);
    UUID ref = ref(first(q, "ref"));
    Shown s = ref == null ? null : shown.getIfPresent(ref);
    if (s == null || !s.clientIp().equals(clientIp) || !Objects.equals(s.user(), user)) {
      return page(HttpResponseStatus.NOT_FOUND, "Not sent",
          "This review link has expired or was made for another device. Open the blocked page again and use"
              + " its button, or ask your teacher.", head);
    }
    if (asked.getIfPresent(ref) != null) {
      return page(HttpResponseStatus.OK, "Already sent",
          "You have already asked for a review of this page (reference " + ref + ").", head);
    }
    if (!allowed(clientIp)) {
      return page(HttpResponseStatus.TOO_MANY_REQUESTS, "Not sent",
          "Too many review requests from this device. Please try again later or ask your teacher.", head);
    }
    ReviewRequest r = new ReviewRequest(ReviewRequest.SCHEMA_VERSION, ReviewRequest.idFor(ref),
        clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), ref,
        s.user(), s.role(), s.clientIp(), s.url(), s.category(), s.rule(), s.reason(),
        cleanReason(first(q, "reason")), proxyNode);
    if (!sink.publishReview(r)) {
      return page(HttpResponseStatus.SERVICE_UNAVAILABLE, "Not sent",
          "Your request could not be sent just now. Please try again in a minute or ask your teacher.", head);
    }
    asked.put(ref, Boolean.TRUE);
    return page(HttpResponseStatus.OK, "Request sent",
        "Thank you. The ICT team will look at " + s.url() + " and decide. Reference: " + ref + ".", head);
  }

  private boolean allowed(String clientIp) {
    Instant now = clock.instant();
    Deque<Instant> d = recentByClient.get(clientIp, k -> new ArrayDeque<>());
    synchronized (d) {
      while (!d.isEmpty() && !d.peekFirst().isAfter(now.minus(WINDOW))) {
        d.removeFirst();
      }
      if (d.size() >= PER_CLIENT) {
        return false;
      }
      d.addLast(now);
      return true;
    }
  }

  private FullHttpResponse page(HttpResponseStatus status, String title, String text, boolean head) {
    return Responses.of(status, Responses.HTML, pages.renderMessage(title, text), head);
  }

  private static String first(QueryStringDecoder q, String name) {
    List<String> v = q.parameters().get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  private static UUID ref(String s) {
    if (s == null || s.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The pupil's words: control characters dropped, at most {@link ReviewRequest#MAX_REASON}. */
  static String cleanReason(String s) {
    if (s == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(s.length(), ReviewRequest.MAX_REASON));
    s.codePoints()
        .filter(c -> !Character.isISOControl(c) || c == '\n')
        .forEach(c -> {
          if (b.length() + Character.charCount(c) <= ReviewRequest.MAX_REASON) {
            b.appendCodePoint(c);
          }
        });
    String out = b.toString().strip();
    return out.isEmpty() ? null : out;
  }
}
