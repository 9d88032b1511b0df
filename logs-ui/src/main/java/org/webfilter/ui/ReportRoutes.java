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
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.UiRole;

/** The DSL's reports, as JSON and as one page of charts. DSL and admin; every report is audited. */
final class ReportRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int DEFAULT_DAYS = 14;
  static final int MAX_DAYS = 366;
  private static final Set<String> PARAMS = Set.of("from", "to", "category", "user");

  private final Auth auth;
  private final Reports reports;
  private final AuditLog audit;
  private final Clock clock;

  ReportRoutes(Auth auth, Reports reports, AuditLog audit, Clock clock) {
    this.auth = auth;
    this.reports = reports;
    this.audit = audit;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get("/api/reports/blocks", this::blocksApi);
    r.get("/api/reports/top", this::topApi);
    r.get("/api/reports/search-terms", this::termsApi);
    r.get("/api/reports/pupil", this::pupilApi);
    r.get("/reports", this::page);
  }

  /** The validated parameters: a period of whole UTC days, and the optional category and user. */
  record Params(Instant from, Instant to, String category, String user, Map<String, String> given) {}

  Params params(Context ctx, String report) {
    Map<String, String> p = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!PARAMS.contains(e.getKey())) {
        throw HttpError.badRequest(e.getKey().length() > 40 ? e.getKey().substring(0, 40) : e.getKey(),
            "unknown parameter (expected: from, to, category, user)");
      }
      String v = e.getValue().isEmpty() ? "" : e.getValue().get(0).strip();
      if (v.length() > 128) {
        throw HttpError.badRequest(e.getKey(), "too long");
      }
      if (!v.isEmpty()) {
        p.put(e.getKey(), v);
      }
    }
    LocalDate today = clock.instant().atZone(ZoneOffset.UTC).toLocalDate();
    Instant to = p.containsKey("to")
        ? QueryParams.instant("to", p.get("to"))
        : today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    Instant from = p.containsKey("from") ? QueryParams.instant("from", p.get("from")) : to.minus(Duration.ofDays(DEFAULT_DAYS));
    if (!from.isBefore(to)) {
      throw HttpError.badRequest("to", "must be after from");
    }
    if (Duration.between(from, to).toDays() > MAX_DAYS) {
      throw HttpError.badRequest("from", "the period is longer than " + MAX_DAYS + " days");
    }
    Map<String, String> audited = new LinkedHashMap<>(p);
    audited.put("report", report);
    return new Params(from, to, p.get("category"), p.get("user"), audited);
  }

  private Params begin(Context ctx, String report) {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Params params = params(ctx, report);
    audit.record(p.user().name(), "reports.view", params.given());
    return params;
  }

  private static ArrayNode rows(ObjectNode parent, String name, List<Map.Entry<String, Long>> rows) {
    ArrayNode a = parent.putArray(name);
    rows.forEach(e -> a.addObject().put("name", e.getKey()).put("count", e.getValue()));
    return a;
  }

  void blocksApi(Context ctx) throws IOException {
    Params p = begin(ctx, "blocks");
    Reports.PerDay d = reports.blocksPerCategoryPerDay(p.from(), p.to());
    ObjectNode body = JSON.createObjectNode();
    d.days().forEach(day -> body.withArray("days").add(day.toString()));
    ObjectNode series = body.putObject("series");
    d.series().forEach((k, v) -> {
      ArrayNode a = series.putArray(k);
      for (long x : v) {
        a.add(x);
      }
    });
    body.put("scanned", d.scanned());
    EventRoutes.json(ctx, body);
  }

  void topApi(Context ctx) throws IOException {
    Params p = begin(ctx, "top");
    if (p.category() == null) {
      throw HttpError.badRequest("category", "required (e.g. self-harm)");
    }
    Reports.Top[] t = reports.topUsersAndHosts(p.category(), p.from(), p.to());
    ObjectNode body = JSON.createObjectNode();
    body.put("category", p.category());
    rows(body, "users", t[0].rows());
    rows(body, "hosts", t[1].rows());
    body.put("scanned", t[0].scanned());
    EventRoutes.json(ctx, body);
  }

  void termsApi(Context ctx) throws IOException {
    Params p = begin(ctx, "search-terms");
    Reports.Terms t = reports.searchTerms(p.from(), p.to());
    ObjectNode body = JSON.createObjectNode();
    rows(body, "terms", t.top());
    ArrayNode perDay = body.putArray("perDay");
    for (int i = 0; i < t.days().size(); i++) {
      perDay.addObject().put("day", t.days().get(i).toString()).put("count", t.perDay()[i]);
    }
    body.put("scanned", t.scanned());
    EventRoutes.json(ctx, body);
  }

  void pupilApi(Context ctx) throws IOException {
    Params p = begin(ctx, "pupil");
    if (p.user() == null) {
      throw HttpError.badRequest("user", "required");
    }
    Reports.Pupil s = reports.pupil(p.user(), p.from(), p.to());
    ObjectNode body = JSON.createObjectNode();
    body.put("user", s.user());
    ObjectNode d = body.putObject("decisions");
    s.decisions().forEach(d::put);
    rows(body, "blockedCategories", s.blockedCategories());
    rows(body, "loggedCategories", s.loggedCategories());
    rows(body, "blockedHosts", s.blockedHosts());
    rows(body, "searchTerms", s.searchTerms());
    body.put("scanned", s.scanned());
    EventRoutes.json(ctx, body);
  }

  void page(Context ctx) throws IOException {
    Auth.Principal who = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Params p;
    try {
      p = params(ctx, "page");
    } catch (HttpError e) {
      ctx.status(400).html(ReportViews.page(who.user(), PolicyRoutes.csrf(who), Map.of(), null, null, null, null, null, e.getMessage()));
      return;
    }
    audit.record(who.user().name(), "reports.view", p.given());
    String category = p.category() == null ? "self-harm" : p.category();
    Map<String, String> form = new LinkedHashMap<>(p.given());
    form.remove("report");
    form.putIfAbsent("from", p.from().atZone(ZoneOffset.UTC).toLocalDate().toString());
    form.putIfAbsent("to", p.to().atZone(ZoneOffset.UTC).toLocalDate().toString());
    form.putIfAbsent("category", category);
    ctx.html(ReportViews.page(who.user(), PolicyRoutes.csrf(who), form,
        reports.blocksPerCategoryPerDay(p.from(), p.to()),
        reports.topUsersAndHosts(category, p.from(), p.to()), category,
        reports.searchTerms(p.from(), p.to()),
        p.user() == null ? null : reports.pupil(p.user(), p.from(), p.to()), null));
  }
}
