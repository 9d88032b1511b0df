package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.UiRole;

/**
 * Review requests: the block page's "ask for a review" form posts to {@link #PUBLIC_PATH} without a
 * session (it is another origin), so every field is validated and size-limited and each client IP may
 * ask only {@value #PER_IP} times per {@link #WINDOW}. ICT and admin list them, and approve (an allow
 * entry for the role, optionally time-limited) or decline with a reason; both are audited.
 */
final class ReviewRoutes {
  static final String PUBLIC_PATH = "/api/review-requests";
  static final int PER_IP = 5;
  static final Duration WINDOW = Duration.ofMinutes(10);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Auth auth;
  private final ReviewStore store;
  private final PolicyEditor editor;
  private final AuditLog audit;
  private final Clock clock;
  private final Map<String, Deque<Instant>> recent = new ConcurrentHashMap<>();

  ReviewRoutes(Auth auth, ReviewStore store, PolicyEditor editor, AuditLog audit, Clock clock) {
    this.auth = auth;
    this.store = store;
    this.editor = editor;
    this.audit = audit;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.post(PUBLIC_PATH, this::create);
    r.get(PUBLIC_PATH, this::listApi);
    r.post(PUBLIC_PATH + "/{id}/approve", ctx -> decideApi(ctx, true));
    r.post(PUBLIC_PATH + "/{id}/decline", ctx -> decideApi(ctx, false));
    r.get("/reviews", this::page);
    r.post("/reviews/{id}/approve", ctx -> decideForm(ctx, true));
    r.post("/reviews/{id}/decline", ctx -> decideForm(ctx, false));
  }

  void create(Context ctx) throws IOException {
    throttle(ctx.ip());
    Forms f = Forms.of(ctx);
    String url = f.required("url", 2048);
    Target target;
    try {
      target = Target.parse(url);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("url", e.getMessage());
    }
    String ref = f.get("ref", 64);
    if (ref != null && !ref.matches("[0-9A-Za-z-]+")) {
      throw HttpError.badRequest("ref", "expected an event id");
    }
    String role = f.get("role", 64);
    if (role != null && !role.matches("[A-Za-z0-9_.-]+")) {
      throw HttpError.badRequest("role", "expected a role name");
    }
    ReviewStore.Request r = store.add(clock.instant(), url, ref, f.get("user", 128), f.get("ip", 64), role,
        f.get("rule", 256), f.get("reason", 1000), ctx.ip());
    audit.record("block-page", "review.request", Map.of("id", r.id(), "url", url, "host", target.host(), "ip", ctx.ip()));
    ctx.status(201);
    String accept = Optional.ofNullable(ctx.header("Accept")).orElse("");
    if (f.isJson() || (accept.contains("application/json") && !accept.contains("text/html"))) {
      ObjectNode body = JSON.createObjectNode();
      body.put("id", r.id());
      body.put("status", r.status());
      EventRoutes.json(ctx, body);
    } else {
      ctx.html(ReviewViews.thanks(url));
    }
  }

  private void throttle(String ip) {
    Instant now = clock.instant();
    if (recent.size() > 10_000) {
      recent.values().removeIf(d -> d.isEmpty() || d.peekLast().isBefore(now.minus(WINDOW)));
    }
    Deque<Instant> d = recent.computeIfAbsent(ip, k -> new ArrayDeque<>());
    synchronized (d) {
      while (!d.isEmpty() && !d.peekFirst().isAfter(now.minus(WINDOW))) {
        d.removeFirst();
      }
      if (d.size() >= PER_IP) {
        throw new HttpError(429, "too many review requests from this device; please try again later");
      }
      d.addLast(now);
    }
  }

  void listApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    String status = status(ctx);
    audit.record(p.user().name(), "review.list", Map.of("status", String.valueOf(status)));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("requests");
    for (ReviewStore.Request r : store.list(status)) {
      list.add(JSON.valueToTree(toMap(r)));
    }
    EventRoutes.json(ctx, body);
  }

  private static String status(Context ctx) {
    for (String k : ctx.queryParamMap().keySet()) {
      if (!k.equals("status")) {
        throw HttpError.badRequest(k.length() > 40 ? k.substring(0, 40) : k, "unknown parameter (expected: status)");
      }
    }
    String s = Optional.ofNullable(ctx.queryParam("status")).orElse("open").toLowerCase(Locale.ROOT);
    return switch (s) {
      case "open", "approved", "declined" -> s;
      case "all" -> null;
      default -> throw HttpError.badRequest("status", "'" + (s.length() > 40 ? s.substring(0, 40) : s) + "' (expected: open, approved, declined or all)");
    };
  }

  static Map<String, Object> toMap(ReviewStore.Request r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("time", r.time().toString());
    m.put("url", r.url());
    m.put("ref", r.ref());
    m.put("user", r.user());
    m.put("ip", r.ip());
    m.put("role", r.role());
    m.put("rule", r.rule());
    m.put("reason", r.reason());
    m.put("status", r.status());
    m.put("decidedBy", r.decidedBy());
    m.put("decidedAt", r.decidedAt() == null ? null : r.decidedAt().toString());
    m.put("decisionReason", r.decisionReason());
    m.put("entry", r.entry());
    m.put("expires", r.expires() == null ? null : r.expires().toString());
    m.put("policyVersion", r.policyVersion());
    return m;
  }

  private ReviewStore.Request decide(Auth.Principal p, String id, boolean approve, Forms f) {
    ReviewStore.Request r = store.find(id).orElseThrow(() -> new HttpError(404, "no review request " + id));
    if (!r.open()) {
      throw new HttpError(409, "this request was already " + r.status() + " by " + r.decidedBy());
    }
    String reason = f.required("reason", PolicyRoutes.MAX_REASON);
    String who = p.user().name();
    Instant now = clock.instant();
    ReviewStore.Request done;
    if (approve) {
      String role = Optional.ofNullable(f.get("role", 64)).orElse(r.role());
      if (role == null) {
        throw HttpError.badRequest("role", "required: the request does not say which role to allow it for");
      }
      String entry = Optional.ofNullable(f.get("entry", 300)).orElseGet(() -> Target.parse(r.url()).host());
      Instant expires = f.expiry(now);
      PolicyEditor.Version v = editor.addEntry(role, true, entry, "review request: " + reason, expires, who, "policy.allow.add");
      done = store.decide(id, "approved", who, now, reason, PolicyEditor.normalise(entry), expires, v.version());
      audit.record(who, "review.approve", Map.of("id", id, "url", r.url(), "role", role, "entry", done.entry(),
          "expires", String.valueOf(expires), "reason", reason, "version", Integer.toString(v.version())));
    } else {
      done = store.decide(id, "declined", who, now, reason, null, null, null);
      audit.record(who, "review.decline", Map.of("id", id, "url", r.url(), "reason", reason));
    }
    return done;
  }

  void decideApi(Context ctx, boolean approve) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    ReviewStore.Request r = decide(p, ctx.pathParam("id"), approve, Forms.of(ctx));
    EventRoutes.json(ctx, JSON.valueToTree(toMap(r)));
  }

  void page(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    audit.record(p.user().name(), "review.list", Map.of("via", "page"));
    render(ctx, p, null, null);
  }

  private void render(Context ctx, Auth.Principal p, String message, String error) {
    List<ReviewStore.Request> open = store.list("open");
    List<ReviewStore.Request> all = store.list(null);
    ctx.html(ReviewViews.page(p.user(), PolicyRoutes.csrf(p), open,
        all.stream().filter(r -> !r.open()).limit(50).toList(), editor.access().policy().roleNames(), message, error));
  }

  void decideForm(Context ctx, boolean approve) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    try {
      ReviewStore.Request r = decide(p, ctx.pathParam("id"), approve, Forms.of(ctx));
      render(ctx, p, approve ? "Approved: " + r.entry() + " is now allowed." : "Declined.", null);
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 404 && e.status() != 409) {
        throw e;
      }
      ctx.status(e.status());
      render(ctx, p, null, e.getMessage());
    }
  }
}
