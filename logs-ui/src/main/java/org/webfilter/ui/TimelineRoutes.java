package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.UiRole;

/**
 * A pupil's timeline ({@link Timeline}) as a page and as JSON. DSL and admin only; every view is
 * audited before anything is read, because it shows one named child's activity.
 */
final class TimelineRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The events shown, oldest first, and how many of the window's events did not fit; {@code chart}
   * counts every event of the window per time bucket and decision.
   */
  record Result(
      List<AccessEvent> events,
      int total,
      int blocked,
      int notShownBefore,
      int notShownAfter,
      TimelineChart chart) {}

  private final Auth auth;
  private final EventStore store;
  private final AuditLog audit;
  private final IndexHealth health;

  TimelineRoutes(Auth auth, EventStore store, AuditLog audit, IndexHealth health) {
    this.auth = auth;
    this.store = store;
    this.audit = audit;
    this.health = health;
  }

  void register(RoutesConfig r) {
    r.get("/timeline", this::page);
    r.get("/api/timeline", this::api);
  }

  void page(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Timeline t = Timeline.parse(ctx.queryParamMap());
    Result r = load(p, t, "page");
    ctx.html(TimelineViews.page(p.user(), PolicyRoutes.csrf(p), health.banner(), t, r));
  }

  void api(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Timeline t = Timeline.parse(ctx.queryParamMap());
    Result r = load(p, t, "api");
    ObjectNode body = JSON.createObjectNode();
    if (t.user() != null) {
      body.put("user", t.user());
    } else {
      body.put("ip", t.ip());
    }
    body.put("at", t.at().toString());
    body.put("minutes", t.minutes());
    body.put("from", t.from().toString());
    body.put("to", t.to().minusMillis(1).toString());
    body.put("total", r.total());
    body.put("blocked", r.blocked());
    body.put("notShownBefore", r.notShownBefore());
    body.put("notShownAfter", r.notShownAfter());
    ArrayNode events = body.putArray("events");
    for (AccessEvent e : r.events()) {
      events.add(JSON.readTree(EventCodec.encode(e)));
    }
    EventRoutes.json(ctx, body);
  }

  private Result load(Auth.Principal p, Timeline t, String via) throws IOException {
    Map<String, String> details = new LinkedHashMap<>();
    details.put(t.user() != null ? "user" : "ip", t.user() != null ? t.user() : t.ip());
    details.put("at", t.at().toString());
    details.put("minutes", Integer.toString(t.minutes()));
    details.put("via", via);
    audit.record(p.user().name(), "timeline.view", details);
    return load(store, t);
  }

  /** The nearest {@link Timeline#PER_SIDE} events on each side of the moment, oldest first. */
  static Result load(EventStore store, Timeline t) throws IOException {
    List<AccessEvent> before = new ArrayList<>(store.search(t.before()).events());
    Collections.reverse(before);
    List<AccessEvent> after = store.searchOldestFirst(t.after());
    int total = store.count(t.window());
    int totalBefore = store.count(t.before());
    List<AccessEvent> all = new ArrayList<>(before);
    all.addAll(after);
    return new Result(
        all,
        total,
        store.count(t.blockedInWindow()),
        totalBefore - before.size(),
        (total - totalBefore) - after.size(),
        TimelineChart.of(store, t));
  }
}
