package org.webfilter.ui;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.Map;
import java.util.Optional;
import org.webfilter.policy.User;

/** The sign-in form, session cookies and sign-out. */
final class LoginRoutes {
  private final Auth auth;
  private final Sessions sessions;
  private final AuditLog audit;

  LoginRoutes(Auth auth, Sessions sessions, AuditLog audit) {
    this.auth = auth;
    this.sessions = sessions;
    this.audit = audit;
  }

  void form(Context ctx) {
    Optional<Auth.Principal> signedIn = auth.identify(ctx);
    if (signedIn.isPresent()) {
      ctx.redirect(WebApp.home(signedIn.get().user()), HttpStatus.SEE_OTHER);
      return;
    }
    ctx.html(Views.login(null, ""));
  }

  void submit(Context ctx) {
    String name = Optional.ofNullable(ctx.formParam("username")).orElse("").trim();
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    Optional<User> user;
    try {
      user = auth.login(name, password, ctx.ip());
    } catch (HttpError e) {
      audit.record(name, "session.login-throttled", Map.of("ip", ctx.ip()));
      ctx.status(e.status()).html(Views.login(e.getMessage(), name));
      return;
    }
    if (user.isEmpty()) {
      audit.record(name, "session.login-failed", Map.of("ip", ctx.ip()));
      ctx.status(401).html(Views.login("Wrong user name or password.", name));
      return;
    }
    if (user.get().uiRoles().isEmpty()) {
      ctx.status(403).html(Views.login("This account has no access to the logs UI.", name));
      return;
    }
    // A fresh token on every sign-in, so a planted cookie is never promoted to a session.
    sessions.remove(ctx.cookie(Auth.COOKIE));
    Sessions.Session s = sessions.create(user.get().name());
    setCookie(ctx, s.token(), Sessions.MAX_AGE.toSeconds());
    audit.record(name, "session.login", Map.of("ip", ctx.ip()));
    ctx.redirect(WebApp.home(user.get()), HttpStatus.SEE_OTHER);
  }

  /** The CSRF token was already checked by {@link WebApp}'s filter. */
  void logout(Context ctx) {
    auth.identify(ctx)
        .filter(p -> p.session() != null)
        .ifPresent(
            p -> {
              sessions.remove(p.session().token());
              audit.record(p.user().name(), "session.logout", Map.of());
            });
    setCookie(ctx, "", 0);
    ctx.redirect("/login", HttpStatus.SEE_OTHER);
  }

  private static void setCookie(Context ctx, String value, long maxAge) {
    String secure = "https".equalsIgnoreCase(ctx.scheme()) ? "; Secure" : "";
    ctx.res()
        .addHeader(
            "Set-Cookie",
            Auth.COOKIE
                + "="
                + value
                + "; Path=/; Max-Age="
                + maxAge
                + "; HttpOnly; SameSite=Strict"
                + secure);
  }
}
