package org.webfilter.ui;

import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.config.UiSettings;

/**
 * The HTTP side: routes, security headers, CSRF and origin checks, and how errors are shown (JSON
 * under {@code /api/}, pages elsewhere).
 */
final class WebApp {
  private static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src"
          + " 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
  private static final Map<String, String> STATIC = Map.of("app.css", "text/css; charset=utf-8");

  private WebApp() {}

  static Javalin create(UiSettings ui, Auth auth, LoginRoutes login, EventRoutes events) {
    return create(ui, auth, login, events, List.of());
  }

  /** As above, with more routes (policy, reviews, alerts, admin) registered by {@code more}. */
  static Javalin create(
      UiSettings ui,
      Auth auth,
      LoginRoutes login,
      EventRoutes events,
      List<Consumer<RoutesConfig>> more) {
    return Javalin.create(
        cfg -> {
          cfg.startup.showJavalinBanner = false;
          cfg.jetty.host = ui.bind();
          cfg.jetty.port = ui.port();
          cfg.routes.before(WebApp::securityHeaders);
          cfg.routes.before(ctx -> checkStateChange(ctx, auth));
          cfg.routes.before(WebApp::checkQueryEncoding);
          cfg.routes.get("/healthz", events::healthz);
          cfg.routes.get(
              "/",
              ctx ->
                  ctx.redirect(
                      auth.identify(ctx).map(p -> home(p.user())).orElse("/login"),
                      HttpStatus.SEE_OTHER));
          cfg.routes.get("/login", login::form);
          cfg.routes.post("/login", login::submit);
          cfg.routes.post("/logout", login::logout);
          cfg.routes.get("/events", events::page);
          cfg.routes.get("/api/events", events::api);
          cfg.routes.get("/api/audit", events::auditApi);
          cfg.routes.get("/static/{file}", WebApp::staticFile);
          more.forEach(m -> m.accept(cfg.routes));
          cfg.routes.exception(
              HttpError.class, (e, ctx) -> error(ctx, auth, e.status(), e.getMessage()));
          cfg.routes.exception(
              org.apache.lucene.index.CorruptIndexException.class,
              (e, ctx) -> {
                LOG.error("{} {} failed: the event index is damaged", ctx.method(), ctx.path(), e);
                error(
                    ctx,
                    auth,
                    503,
                    "the event index is damaged; an admin can rebuild it from Kafka on the Index"
                        + " page");
              });
          cfg.routes.exception(
              Exception.class,
              (e, ctx) -> {
                LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, auth, 500, "internal error; see the server log");
              });
        });
  }

  /** Where a user lands after signing in: the first page their UI roles may see. */
  static String home(User user) {
    if (user.hasUiRole(UiRole.DSL) || user.hasUiRole(UiRole.ADMIN)) {
      return "/events";
    }
    return user.hasUiRole(UiRole.ICT) ? "/policy" : "/explain";
  }

  private static void securityHeaders(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    // same-origin, not no-referrer: with no-referrer Chromium sends "Origin: null" on form posts,
    // which the cross-origin check must refuse. Nothing leaks to other sites either way.
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Cache-Control", "no-store");
  }

  /**
   * Refuses cross-origin state changes, and session-authenticated ones without the session's CSRF
   * token. Basic-auth calls need no token (a script sends the header on purpose), but the Origin
   * check still applies, since browsers replay cached Basic credentials.
   */
  private static void checkStateChange(Context ctx, Auth auth) {
    if (Auth.isSafeMethod(ctx)) {
      return;
    }
    if (ctx.path().equals(ReviewRoutes.PUBLIC_PATH)) {
      // Posted by the proxy's block page (another origin) without a session; it changes nothing but
      // the review queue, and ReviewRoutes validates, size-limits and rate-limits every field.
      return;
    }
    String origin = ctx.header("Origin");
    if (origin != null && !sameOrigin(origin, ctx)) {
      throw new HttpError(403, "cross-origin request refused");
    }
    if (ctx.path().equals("/login") || Auth.hasBasic(ctx)) {
      return;
    }
    auth.identify(ctx)
        .map(Auth.Principal::session)
        .ifPresent(
            s -> {
              String token = ctx.header("X-CSRF-Token");
              if (token == null) {
                token = ctx.formParam("csrf");
              }
              if (!Auth.csrfMatches(s, token)) {
                throw new HttpError(
                    403, "missing or wrong CSRF token; reload the page and try again");
              }
            });
  }

  /**
   * Refuses a query string with a broken percent-escape ({@code %ZZ}, a lone {@code %}): Jetty
   * would silently drop that parameter, and a search would quietly run without the filter it was
   * given.
   */
  private static void checkQueryEncoding(Context ctx) {
    String q = ctx.queryString();
    if (q == null) {
      return;
    }
    for (int i = q.indexOf('%'); i >= 0; i = q.indexOf('%', i + 1)) {
      if (i + 2 >= q.length()
          || Character.digit(q.charAt(i + 1), 16) < 0
          || Character.digit(q.charAt(i + 2), 16) < 0) {
        throw new HttpError(
            400,
            "query string: broken percent-encoding at character "
                + (i + 1)
                + " (expected % followed by two hex digits)");
      }
    }
  }

  private static boolean sameOrigin(String origin, Context ctx) {
    try {
      URI o = URI.create(origin);
      String host = ctx.header("Host");
      return host != null
          && ctx.scheme().equalsIgnoreCase(o.getScheme())
          && host.equalsIgnoreCase(o.getRawAuthority());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static void staticFile(Context ctx) {
    String file = ctx.pathParam("file");
    String type = STATIC.get(file);
    if (type == null) {
      throw new HttpError(404, "not found");
    }
    try (InputStream in = WebApp.class.getResourceAsStream("static/" + file)) {
      ctx.header("Cache-Control", "max-age=300");
      ctx.contentType(type).result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void error(Context ctx, Auth auth, int status, String message) {
    ctx.status(status);
    if (ctx.path().startsWith("/api/")) {
      if (status == 401) {
        ctx.header("WWW-Authenticate", "Basic realm=\"webfilter\", charset=\"UTF-8\"");
      }
      try {
        EventRoutes.json(ctx, Map.of("error", message));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    if (status == 401) {
      ctx.redirect("/login", HttpStatus.SEE_OTHER);
      return;
    }
    Auth.Principal p = null;
    try {
      p = auth.identify(ctx).orElse(null);
    } catch (HttpError e) {
      // bad Basic credentials on a page: show the error without a header
    }
    ctx.html(
        Views.error(
            status,
            message,
            p == null ? null : p.user(),
            p == null || p.session() == null ? null : p.session().csrf()));
  }
}
