package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;

/**
 * Admins manage UI users (add, set roles, reset a password) and read the audit log; everyone changes
 * their own password. Users live in the users file ({@link UserStore}), which the proxy also reads.
 */
final class AdminRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int MIN_PASSWORD = 10;
  static final int MAX_PASSWORD = 200;

  private final Auth auth;
  private final UserStore users;
  private final Sessions sessions;
  private final AuditLog audit;
  /** The policy roles a user may be given; empty when unknown (no policy access), then any name goes. */
  private final Supplier<List<String>> policyRoles;

  AdminRoutes(Auth auth, UserStore users, Sessions sessions, AuditLog audit, Supplier<List<String>> policyRoles) {
    this.auth = auth;
    this.users = users;
    this.sessions = sessions;
    this.audit = audit;
    this.policyRoles = policyRoles;
  }

  void register(RoutesConfig r) {
    r.get("/api/users", this::usersApi);
    r.post("/api/users", ctx -> json(ctx, addUser(admin(ctx), Forms.of(ctx))));
    r.post("/api/users/{name}/roles", ctx -> json(ctx, setRoles(admin(ctx), ctx.pathParam("name"), Forms.of(ctx))));
    r.post("/api/users/{name}/password", ctx -> json(ctx, resetPassword(admin(ctx), ctx.pathParam("name"), Forms.of(ctx))));
    r.get("/admin/users", ctx -> usersPage(ctx, admin(ctx), null, null));
    r.post("/admin/users", ctx -> form(ctx, p -> addUser(p, Forms.of(ctx)), "User added."));
    r.post("/admin/users/{name}/roles", ctx -> form(ctx, p -> setRoles(p, ctx.pathParam("name"), Forms.of(ctx)), "Roles saved."));
    r.post("/admin/users/{name}/password", ctx -> form(ctx, p -> resetPassword(p, ctx.pathParam("name"), Forms.of(ctx)), "Password reset."));
    r.get("/admin/audit", this::auditPage);
    r.get("/password", ctx -> passwordPage(ctx, null, null));
    r.post("/password", this::changePassword);
  }

  private Auth.Principal admin(Context ctx) {
    return auth.require(ctx, UiRole.ADMIN);
  }

  private static void json(Context ctx, User u) throws IOException {
    EventRoutes.json(ctx, toJson(u));
  }

  static ObjectNode toJson(User u) {
    ObjectNode n = JSON.createObjectNode();
    n.put("name", u.name());
    n.put("role", u.role());
    u.uiRoles().stream().map(UiRole::id).sorted().forEach(n.putArray("uiRoles")::add);
    return n;
  }

  void usersApi(Context ctx) throws IOException {
    Auth.Principal p = admin(ctx);
    audit.record(p.user().name(), "users.list", Map.of());
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("users");
    users.all().forEach(u -> list.add(toJson(u)));
    EventRoutes.json(ctx, body);
  }

  private String policyRole(Forms f) {
    String role = f.required("role", 64);
    List<String> known = policyRoles.get();
    if (!known.isEmpty() && !known.contains(role)) {
      throw HttpError.badRequest("role", "unknown role '" + role + "' (expected one of: " + String.join(", ", known) + ")");
    }
    if (!role.matches("[A-Za-z0-9_.-]+")) {
      throw HttpError.badRequest("role", "expected a role name");
    }
    return role;
  }

  private static Set<UiRole> uiRoles(Forms f) {
    Set<UiRole> out = EnumSet.noneOf(UiRole.class);
    for (String s : f.list("uiRoles", 3, 10)) {
      try {
        out.add(UiRole.parse(s));
      } catch (IllegalArgumentException e) {
        throw HttpError.badRequest("uiRoles", e.getMessage());
      }
    }
    return out;
  }

  private static String password(Forms f, String field) {
    String pw = f.required(field, MAX_PASSWORD);
    if (pw.length() < MIN_PASSWORD) {
      throw HttpError.badRequest(field, "too short (at least " + MIN_PASSWORD + " characters)");
    }
    return pw;
  }

  private User addUser(Auth.Principal p, Forms f) {
    String name = f.required("name", 64);
    if (!name.matches("[A-Za-z0-9._@-]+")) {
      throw HttpError.badRequest("name", "letters, digits, '.', '_', '-' and '@' only");
    }
    if (users.find(name).isPresent()) {
      throw new HttpError(409, "user " + name + " exists already");
    }
    User u = new User(name, policyRole(f), uiRoles(f), UserStore.hash(password(f, "password")));
    users.put(u);
    audit.record(p.user().name(), "user.add", Map.of("user", name, "role", u.role(), "uiRoles", u.uiRoles().toString()));
    return u;
  }

  private User setRoles(Auth.Principal p, String name, Forms f) {
    User old = users.find(name).orElseThrow(() -> new HttpError(404, "no user " + name));
    Set<UiRole> ui = uiRoles(f);
    if (name.equals(p.user().name()) && !ui.contains(UiRole.ADMIN)) {
      throw HttpError.badRequest("uiRoles", "you cannot take the admin role from yourself");
    }
    User u = new User(name, policyRole(f), ui, old.passwordHash());
    users.put(u);
    audit.record(p.user().name(), "user.roles", Map.of("user", name, "role", u.role(), "uiRoles", u.uiRoles().toString()));
    return u;
  }

  private User resetPassword(Auth.Principal p, String name, Forms f) {
    User old = users.find(name).orElseThrow(() -> new HttpError(404, "no user " + name));
    User u = new User(name, old.role(), old.uiRoles(), UserStore.hash(password(f, "password")));
    users.put(u);
    sessions.removeUser(name, p.user().name().equals(name) && p.session() != null ? p.session().token() : null);
    audit.record(p.user().name(), "user.password-reset", Map.of("user", name));
    return u;
  }

  interface Action {
    void run(Auth.Principal p);
  }

  private void form(Context ctx, Action action, String done) {
    Auth.Principal p = admin(ctx);
    try {
      action.run(p);
      usersPage(ctx, p, done, null);
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 404 && e.status() != 409) {
        throw e;
      }
      ctx.status(e.status());
      usersPage(ctx, p, null, e.getMessage());
    }
  }

  private void usersPage(Context ctx, Auth.Principal p, String message, String error) {
    ctx.html(AdminViews.users(p.user(), PolicyRoutes.csrf(p), users.all(), policyRoles.get(), message, error));
  }

  void auditPage(Context ctx) throws IOException {
    Auth.Principal p = admin(ctx);
    ctx.html(AdminViews.audit(p.user(), PolicyRoutes.csrf(p), audit.latest(300)));
  }

  private void passwordPage(Context ctx, String message, String error) {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ICT, UiRole.ADMIN);
    ctx.html(AdminViews.password(p.user(), PolicyRoutes.csrf(p), message, error));
  }

  void changePassword(Context ctx) {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ICT, UiRole.ADMIN);
    try {
      Forms f = Forms.of(ctx);
      String current = f.required("current", MAX_PASSWORD);
      String next = password(f, "password");
      if (!next.equals(f.get("confirm", MAX_PASSWORD))) {
        throw HttpError.badRequest("confirm", "the two new passwords differ");
      }
      if (auth.login(p.user().name(), current, ctx.ip()).isEmpty()) {
        audit.record(p.user().name(), "user.password-change-failed", Map.of("ip", ctx.ip()));
        throw HttpError.badRequest("current", "wrong password");
      }
      User u = p.user();
      users.put(new User(u.name(), u.role(), u.uiRoles(), UserStore.hash(next)));
      sessions.removeUser(u.name(), p.session() == null ? null : p.session().token());
      audit.record(u.name(), "user.password-change", Map.of("ip", ctx.ip()));
      ctx.html(AdminViews.password(p.user(), PolicyRoutes.csrf(p), "Password changed. Other sessions were signed out.", null));
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 429) {
        throw e;
      }
      ctx.status(e.status());
      ctx.html(AdminViews.password(p.user(), PolicyRoutes.csrf(p), null, e.getMessage()));
    }
  }
}
