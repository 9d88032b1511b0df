package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Policy;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.RoleSettings;

/**
 * "Why is this blocked?" (explain) for every UI role, and reading and changing the policy for ICT and
 * admin: as JSON under {@code /api/} and as pages. Every change is audited.
 */
final class PolicyRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MAX_REASON = 500;

  private final Auth auth;
  private final PolicyEditor editor;
  private final AuditLog audit;
  private final UserStore users;
  private final Clock clock;

  PolicyRoutes(Auth auth, PolicyEditor editor, AuditLog audit, UserStore users, Clock clock) {
    this.auth = auth;
    this.editor = editor;
    this.audit = audit;
    this.users = users;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get("/api/explain", this::explainApi);
    r.get("/explain", this::explainPage);
    r.get("/api/policy", this::policyApi);
    r.put("/api/policy/roles/{role}", this::putRoleApi);
    r.post("/api/lists/{role}/{kind}", this::listApi);
    r.get("/api/policy/history", this::historyApi);
    r.post("/api/policy/rollback", this::rollbackApi);
    r.get("/policy", this::policyPage);
    r.get("/policy/roles/{role}", this::rolePage);
    r.post("/policy/roles/{role}/categories", this::categoriesForm);
    r.post("/policy/roles/{role}/entries", this::entryForm);
    r.get("/policy/history", this::historyPage);
    r.post("/policy/history/rollback", this::rollbackForm);
  }

  // ---- explain

  /** The explained decision, or a 400 naming the bad parameter. */
  record Explained(String url, String role, String user, Decision decision) {}

  private Explained explain(Map<String, String> p) {
    String url = p.get("url");
    if (url == null) {
      throw HttpError.badRequest("url", "required (e.g. https://www.example.com/page)");
    }
    Target target;
    try {
      target = Target.parse(url);
    } catch (IllegalArgumentException e) {
      throw HttpError.badRequest("url", e.getMessage());
    }
    Policy policy = editor.access().policy();
    String role = p.get("role");
    String user = p.get("user");
    if (user != null) {
      User u = users.find(user).orElseThrow(() -> HttpError.badRequest("user", "no user '" + user + "'"));
      if (role != null && !role.equals(u.role())) {
        throw HttpError.badRequest("role", "user " + user + " has role " + u.role() + ", not " + role);
      }
      role = u.role();
    }
    if (role == null) {
      throw HttpError.badRequest("role", "required (one of: " + String.join(", ", policy.roleNames()) + ")");
    }
    if (!policy.hasRole(role)) {
      throw HttpError.badRequest("role", "unknown role '" + role + "' (expected one of: " + String.join(", ", policy.roleNames()) + ")");
    }
    return new Explained(url, role, user, policy.decide(role, target, clock.instant()));
  }

  private static Map<String, String> params(Context ctx, Set<String> known) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw HttpError.badRequest(e.getKey().length() > 40 ? e.getKey().substring(0, 40) : e.getKey(),
            "unknown parameter (expected: " + String.join(", ", known) + ")");
      }
      String v = e.getValue().isEmpty() ? "" : e.getValue().get(0).strip();
      if (v.length() > 2048) {
        throw HttpError.badRequest(e.getKey(), "too long");
      }
      if (!v.isEmpty()) {
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static final Set<String> EXPLAIN_PARAMS = new java.util.LinkedHashSet<>(List.of("url", "role", "user"));

  void explainApi(Context ctx) throws IOException {
    auth.require(ctx, UiRole.ICT, UiRole.DSL, UiRole.ADMIN);
    Explained x = explain(params(ctx, EXPLAIN_PARAMS));
    Decision d = x.decision();
    ObjectNode body = JSON.createObjectNode();
    body.put("url", x.url());
    body.put("role", x.role());
    body.put("decision", d.verdict().name());
    body.put("rule", d.rule());
    body.put("reason", d.reason());
    body.put("blockedCategory", d.blockedCategory());
    d.categories().stream().sorted().forEach(body.putArray("categories")::add);
    d.trace().forEach(body.putArray("trace")::add);
    EventRoutes.json(ctx, body);
  }

  void explainPage(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.DSL, UiRole.ADMIN);
    Map<String, String> q = params(ctx, EXPLAIN_PARAMS);
    Explained x = null;
    String error = null;
    if (q.containsKey("url")) {
      try {
        x = explain(q);
      } catch (HttpError e) {
        if (e.status() != 400) {
          throw e;
        }
        error = e.getMessage();
        ctx.status(400);
      }
    }
    ctx.html(PolicyViews.explain(p.user(), csrf(p), editor.access().policy().roleNames(), q, x, error));
  }

  // ---- read

  void policyApi(Context ctx) throws IOException {
    auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    Policy policy = editor.access().policy();
    PolicyEdits edits = editor.current();
    ObjectNode body = JSON.createObjectNode();
    body.put("version", editor.latestVersion());
    PolicyEditor.knownCategories(editor.access()).forEach(body.putArray("categories")::add);
    ArrayNode roles = body.putArray("roles");
    for (String name : policy.roleNames()) {
      RoleSettings s = policy.role(name).orElseThrow();
      RoleSettings parent = s.parent() == null ? null : policy.role(s.parent()).orElse(null);
      PolicyEdits.RoleEdits e = edits.role(name);
      ObjectNode r = roles.addObject();
      r.put("name", name);
      r.put("parent", s.parent());
      categories(r.putArray("blockedCategories"), s.blockedCategories(), e.blockCategories(),
          parent == null ? Set.of() : parent.blockedCategories(), s.parent());
      categories(r.putArray("logOnlyCategories"), s.logOnlyCategories(), e.logCategories(),
          parent == null ? Set.of() : parent.logOnlyCategories(), s.parent());
      entries(r.putArray("allow"), s.allow(), e.allow());
      entries(r.putArray("block"), s.block(), e.block());
      s.allowLists().forEach(f -> r.withArray("allowLists").add(f.toString()));
    }
    EventRoutes.json(ctx, body);
  }

  /** Where a category setting came from: a UI edit, the parent role, or the role's own configuration. */
  static String categorySource(String c, Set<String> edited, Set<String> inherited, String parent) {
    if (edited.contains(c)) {
      return "ui-edit";
    }
    return inherited.contains(c) ? "inherited from " + parent : "configuration";
  }

  private static void categories(ArrayNode out, Set<String> cats, Set<String> edited, Set<String> inherited, String parent) {
    cats.stream().sorted().forEach(c -> {
      ObjectNode n = out.addObject();
      n.put("category", c);
      n.put("source", categorySource(c, edited, inherited, parent));
    });
  }

  private static void entries(ArrayNode out, List<RoleSettings.ListEntry> list, List<PolicyEdits.EditedEntry> edited) {
    for (RoleSettings.ListEntry e : list) {
      ObjectNode n = out.addObject();
      n.put("entry", e.value());
      n.put("source", e.key().startsWith("policy-edits.") ? "ui-edit" : e.source());
      n.put("key", e.key());
      edited.stream().filter(x -> PolicyEditor.normalise(x.value()).equals(e.value())).findFirst().ifPresent(x -> {
        n.put("reason", x.reason());
        n.put("author", x.author());
        n.put("time", x.time() == null ? null : x.time().toString());
        n.put("expires", x.expires() == null ? null : x.expires().toString());
      });
    }
  }

  void policyPage(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    ctx.html(PolicyViews.overview(p.user(), csrf(p), editor.access().policy(), editor.latestVersion()));
  }

  void rolePage(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    renderRole(ctx, p, ctx.pathParam("role"), null, null);
  }

  private void renderRole(Context ctx, Auth.Principal p, String role, String message, String error) {
    Policy policy = editor.access().policy();
    RoleSettings s = policy.role(role).orElseThrow(() -> new HttpError(404, "unknown role '" + role + "'"));
    RoleSettings parent = s.parent() == null ? null : policy.role(s.parent()).orElse(null);
    ctx.html(PolicyViews.role(p.user(), csrf(p), s, parent, editor.current().role(role),
        PolicyEditor.knownCategories(editor.access()), message, error));
  }

  // ---- change

  void putRoleApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    Forms f = Forms.of(ctx);
    if (!f.isJson()) {
      throw new HttpError(415, "expected application/json");
    }
    String role = ctx.pathParam("role");
    PolicyEditor.Version v = setCategories(p, role, f);
    EventRoutes.json(ctx, PolicyEditor.toJson(v, false));
  }

  private PolicyEditor.Version setCategories(Auth.Principal p, String role, Forms f) {
    Set<String> blocked = PolicyEditor.set(f.list("blockedCategories", 200, 64));
    Set<String> logged = PolicyEditor.set(f.list("logOnlyCategories", 200, 64));
    String reason = f.required("reason", MAX_REASON);
    PolicyEditor.Version v = editor.setCategories(role, blocked, logged, p.user().name(), reason);
    audited(p, v, Map.of("role", role));
    return v;
  }

  void listApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    PolicyEditor.Version v = changeEntry(p, ctx.pathParam("role"), ctx.pathParam("kind"), Forms.of(ctx));
    EventRoutes.json(ctx, PolicyEditor.toJson(v, false));
  }

  private PolicyEditor.Version changeEntry(Auth.Principal p, String role, String kind, Forms f) {
    boolean allow = switch (kind) {
      case "allow" -> true;
      case "block" -> false;
      default -> throw HttpError.badRequest("kind", "'" + kind + "' (expected: allow or block)");
    };
    String action = Optional.ofNullable(f.get("action", 10)).orElse("add");
    String entry = f.required("entry", 300);
    String reason = f.required("reason", MAX_REASON);
    PolicyEditor.Version v;
    switch (action) {
      case "add" -> {
        Instant expires = f.expiry(clock.instant());
        if (expires != null && !allow) {
          throw HttpError.badRequest("expires", "only allow entries can be time-limited");
        }
        v = editor.addEntry(role, allow, entry, reason, expires, p.user().name(), "policy." + kind + ".add");
      }
      case "remove" -> v = editor.removeEntry(role, allow, entry, reason, p.user().name());
      default -> throw HttpError.badRequest("action", "'" + action + "' (expected: add or remove)");
    }
    audited(p, v, Map.of("role", role, "entry", entry));
    return v;
  }

  void historyApi(Context ctx) throws IOException {
    auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode versions = body.putArray("versions");
    List<PolicyEditor.Version> h = editor.history();
    for (int i = h.size() - 1; i >= 0; i--) {
      versions.add(PolicyEditor.toJson(h.get(i), false));
    }
    EventRoutes.json(ctx, body);
  }

  void rollbackApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    EventRoutes.json(ctx, PolicyEditor.toJson(rollback(p, Forms.of(ctx)), false));
  }

  private PolicyEditor.Version rollback(Auth.Principal p, Forms f) {
    String version = f.required("version", 10);
    int n;
    try {
      n = Integer.parseInt(version);
    } catch (NumberFormatException e) {
      throw HttpError.badRequest("version", "'" + version + "' (expected a version number)");
    }
    PolicyEditor.Version v = editor.rollback(n, p.user().name(), f.required("reason", MAX_REASON));
    audited(p, v, Map.of("to", version));
    return v;
  }

  private void audited(Auth.Principal p, PolicyEditor.Version v, Map<String, String> more) {
    Map<String, String> d = new LinkedHashMap<>(more);
    d.put("version", Integer.toString(v.version()));
    d.put("reason", v.reason());
    d.put("diff", String.join("; ", v.diff()));
    audit.record(p.user().name(), v.action(), d);
  }

  void categoriesForm(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    String role = ctx.pathParam("role");
    try {
      PolicyEditor.Version v = setCategories(p, role, Forms.of(ctx));
      renderRole(ctx, p, role, "Saved as version " + v.version() + ".", null);
    } catch (HttpError e) {
      if (e.status() != 400) {
        throw e;
      }
      ctx.status(400);
      renderRole(ctx, p, role, null, e.getMessage());
    }
  }

  void entryForm(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    String role = ctx.pathParam("role");
    Forms f = Forms.of(ctx);
    try {
      PolicyEditor.Version v = changeEntry(p, role, Optional.ofNullable(f.get("kind", 10)).orElse(""), f);
      renderRole(ctx, p, role, "Saved as version " + v.version() + ".", null);
    } catch (HttpError e) {
      if (e.status() != 400) {
        throw e;
      }
      ctx.status(400);
      renderRole(ctx, p, role, null, e.getMessage());
    }
  }

  void historyPage(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    ctx.html(PolicyViews.history(p.user(), csrf(p), editor.history(), null, null));
  }

  void rollbackForm(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.ICT, UiRole.ADMIN);
    try {
      PolicyEditor.Version v = rollback(p, Forms.of(ctx));
      ctx.html(PolicyViews.history(p.user(), csrf(p), editor.history(), "Restored as version " + v.version() + ".", null));
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 404) {
        throw e;
      }
      ctx.status(e.status());
      ctx.html(PolicyViews.history(p.user(), csrf(p), editor.history(), null, e.getMessage()));
    }
  }

  static String csrf(Auth.Principal p) {
    return p.session() == null ? null : p.session().csrf();
  }

  static void seeOther(Context ctx, String path) {
    ctx.redirect(path, HttpStatus.SEE_OTHER);
  }
}
