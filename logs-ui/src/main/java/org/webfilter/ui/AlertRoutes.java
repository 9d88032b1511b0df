package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.UiRole;

/**
 * The DSL's alerts inbox: list (most urgent, then newest first), open one with the pupil's activity
 * around it, and close it with an outcome and a note. DSL and admin only; every view and action is
 * audited, because an alert names a pupil.
 */
final class AlertRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How far before and after the alert the context reaches. */
  static final Duration CONTEXT = Duration.ofMinutes(30);
  static final int CONTEXT_EVENTS = 100;

  private final Auth auth;
  private final AlertStore alerts;
  private final EventStore events;
  private final AuditLog audit;
  private final Clock clock;

  AlertRoutes(Auth auth, AlertStore alerts, EventStore events, AuditLog audit, Clock clock) {
    this.auth = auth;
    this.alerts = alerts;
    this.events = events;
    this.audit = audit;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get("/api/alerts", this::listApi);
    r.get("/api/alerts/{id}", this::oneApi);
    r.post("/api/alerts/{id}/ack", this::ackApi);
    r.get("/alerts", this::inbox);
    r.get("/alerts/{id}", this::page);
    r.post("/alerts/{id}/ack", this::ackForm);
  }

  private static Boolean status(Context ctx) {
    for (String k : ctx.queryParamMap().keySet()) {
      if (!k.equals("status")) {
        throw HttpError.badRequest(k.length() > 40 ? k.substring(0, 40) : k, "unknown parameter (expected: status)");
      }
    }
    String s = Optional.ofNullable(ctx.queryParam("status")).orElse("open").toLowerCase(Locale.ROOT);
    return switch (s) {
      case "open" -> Boolean.TRUE;
      case "closed" -> Boolean.FALSE;
      case "all" -> null;
      default -> throw HttpError.badRequest("status", "'" + (s.length() > 40 ? s.substring(0, 40) : s) + "' (expected: open, closed or all)");
    };
  }

  private static UUID id(Context ctx) {
    try {
      return UUID.fromString(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("id", "not an alert id");
    }
  }

  void listApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Boolean open = status(ctx);
    audit.record(p.user().name(), "alerts.list", Map.of("status", open == null ? "all" : open ? "open" : "closed", "via", "api"));
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("alerts");
    for (AlertStore.Entry e : alerts.list(open)) {
      list.add(toJson(e));
    }
    EventRoutes.json(ctx, body);
  }

  void oneApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    UUID id = id(ctx);
    AlertStore.Entry e = alerts.find(id).orElseThrow(() -> new HttpError(404, "no alert " + id));
    audit.record(p.user().name(), "alert.view", Map.of("id", id.toString(), "via", "api"));
    ObjectNode body = toJson(e);
    ArrayNode ctxEvents = body.putArray("context");
    for (AccessEvent ev : context(e.alert()).events()) {
      ctxEvents.add(JSON.readTree(EventCodec.encode(ev)));
    }
    EventRoutes.json(ctx, body);
  }

  static ObjectNode toJson(AlertStore.Entry e) throws IOException {
    AlertEvent a = e.alert();
    ObjectNode n = JSON.createObjectNode();
    n.put("id", a.eventId().toString());
    n.put("time", a.time().toString());
    n.put("severity", a.severity().wireName());
    n.put("kind", a.kind());
    n.put("status", e.open() ? "open" : "closed");
    n.set("event", JSON.readTree(EventCodec.encode(a.event())));
    if (e.ack() != null) {
      ObjectNode k = n.putObject("outcome");
      k.put("outcome", e.ack().outcome().id);
      k.put("note", e.ack().note());
      k.put("by", e.ack().by());
      k.put("at", e.ack().at().toString());
    }
    return n;
  }

  /** The pupil's events (by user, else by client IP) from {@link #CONTEXT} before to after the alert. */
  Page context(AlertEvent a) throws IOException {
    AccessEvent ev = a.event();
    boolean byUser = ev.user() != null && !ev.user().isBlank();
    EventQuery q = new EventQuery(byUser ? ev.user() : null, null, byUser ? null : ev.clientIp(), null, null, null,
        null, a.time().minus(CONTEXT), a.time().plus(CONTEXT).plusMillis(1), CONTEXT_EVENTS, null);
    return events.search(q);
  }

  private AlertStore.Entry ack(Auth.Principal p, UUID id, Forms f) {
    AlertStore.Outcome outcome = AlertStore.Outcome.parse(f.required("outcome", 40));
    String note = f.get("note", 2000);
    AlertStore.Entry e = alerts.ack(id, outcome, note, p.user().name(), clock.instant());
    Map<String, String> d = new LinkedHashMap<>();
    d.put("id", id.toString());
    d.put("outcome", outcome.id);
    d.put("note", note == null ? "" : note);
    audit.record(p.user().name(), "alert.ack", d);
    return e;
  }

  void ackApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    EventRoutes.json(ctx, toJson(ack(p, id(ctx), Forms.of(ctx))));
  }

  void inbox(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Boolean open = status(ctx);
    audit.record(p.user().name(), "alerts.list", Map.of("status", open == null ? "all" : open ? "open" : "closed", "via", "page"));
    ctx.html(AlertViews.inbox(p.user(), PolicyRoutes.csrf(p), alerts.list(open), open));
  }

  void page(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    render(ctx, p, id(ctx), null, null);
  }

  private void render(Context ctx, Auth.Principal p, UUID id, String message, String error) throws IOException {
    AlertStore.Entry e = alerts.find(id).orElseThrow(() -> new HttpError(404, "no alert " + id));
    audit.record(p.user().name(), "alert.view", Map.of("id", id.toString(), "via", "page"));
    List<AccessEvent> around = context(e.alert()).events();
    ctx.html(AlertViews.alert(p.user(), PolicyRoutes.csrf(p), e, around, message, error));
  }

  void ackForm(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    UUID id = id(ctx);
    try {
      AlertStore.Entry e = ack(p, id, Forms.of(ctx));
      render(ctx, p, id, "Closed: " + e.ack().outcome().label + ".", null);
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 409) {
        throw e;
      }
      ctx.status(e.status());
      render(ctx, p, id, null, e.getMessage());
    }
  }
}
