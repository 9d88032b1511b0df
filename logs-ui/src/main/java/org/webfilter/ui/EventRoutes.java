package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;
import org.webfilter.policy.UiRole;

/** The event search, as a page and as JSON, and the audit trail; every search is audited first. */
final class EventRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int DEFAULT_AUDIT_LIMIT = 100;
  private static final int MAX_AUDIT_LIMIT = 1000;

  private final Auth auth;
  private final EventStore store;
  private final AuditLog audit;

  private final IndexHealth health;

  EventRoutes(Auth auth, EventStore store, AuditLog audit, IndexHealth health) {
    this.auth = auth;
    this.store = store;
    this.audit = audit;
    this.health = health;
  }

  void api(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    EventQuery query = QueryParams.parse(ctx.queryParamMap());
    Page page = search(p, query, QueryParams.single(ctx.queryParamMap()), "api");
    ObjectNode body = JSON.createObjectNode();
    ArrayNode events = body.putArray("events");
    for (AccessEvent e : page.events()) {
      // The codec's form, so the API shows events exactly as the schema (docs/events.md) describes
      // them.
      events.add(JSON.readTree(EventCodec.encode(e)));
    }
    body.put("nextCursor", page.nextCursor());
    json(ctx, body);
  }

  void page(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    String csrf = p.session() == null ? null : p.session().csrf();
    Map<String, String> filters;
    EventQuery query;
    try {
      filters = QueryParams.single(ctx.queryParamMap());
      query = QueryParams.parse(ctx.queryParamMap());
    } catch (HttpError e) {
      if (e.status() != 400) {
        throw e;
      }
      ctx.status(400)
          .html(
              Views.events(
                  p.user(), csrf, health.banner(), safeFilters(ctx), null, e.getMessage()));
      return;
    }
    Page page = search(p, query, filters, "page");
    ctx.html(Views.events(p.user(), csrf, health.banner(), filters, page, null));
  }

  /**
   * {@code GET /healthz}: 200 {@code ok} while the UI serves (no login, no personal data); a second
   * line says when the index is missing, damaged or being rebuilt.
   */
  void healthz(Context ctx) {
    String banner = health.banner();
    ctx.contentType("text/plain; charset=utf-8")
        .result(banner == null ? "ok" : "ok\nindex: " + banner);
  }

  void auditApi(Context ctx) throws IOException {
    auth.require(ctx, UiRole.ADMIN);
    int limit = DEFAULT_AUDIT_LIMIT;
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!e.getKey().equals("limit")) {
        throw HttpError.badRequest(e.getKey(), "unknown parameter (expected: limit)");
      }
      try {
        limit = Integer.parseInt(e.getValue().get(0));
      } catch (NumberFormatException ex) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_AUDIT_LIMIT) {
        throw HttpError.badRequest("limit", "expected a number from 1 to " + MAX_AUDIT_LIMIT);
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.putArray("entries").addAll(audit.latest(limit));
    json(ctx, body);
  }

  private Page search(Auth.Principal p, EventQuery query, Map<String, String> filters, String via)
      throws IOException {
    Map<String, String> details = new LinkedHashMap<>(filters);
    details.put("via", via);
    audit.record(p.user().name(), "events.search", details);
    return store.search(query);
  }

  /** The known parameters only, to refill the form after a bad one. */
  private static Map<String, String> safeFilters(Context ctx) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : QueryParams.NAMES) {
      String v = ctx.queryParam(name);
      if (v != null && !v.isBlank() && !name.equals("cursor")) {
        out.put(name, v);
      }
    }
    return out;
  }

  static void json(Context ctx, Object body) throws IOException {
    ctx.contentType("application/json; charset=utf-8").result(JSON.writeValueAsBytes(body));
  }
}
