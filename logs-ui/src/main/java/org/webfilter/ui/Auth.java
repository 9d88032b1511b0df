package org.webfilter.ui;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;

/**
 * Who is calling: a browser session (cookie {@value #COOKIE}) or HTTP Basic credentials (for
 * scripts using the JSON API). Basic attempts go through the same {@link LoginThrottle} as the
 * login form, so the API is no way around it.
 */
final class Auth {
  static final String COOKIE = "wf_session";
  private static final String PRINCIPAL = "webfilter.principal";

  /** The caller; {@code session} is null for Basic auth (which needs no CSRF token). */
  record Principal(User user, Sessions.Session session) {}

  private final UserStore users;
  private final Sessions sessions;
  private final LoginThrottle throttle;

  Auth(UserStore users, Sessions sessions, LoginThrottle throttle) {
    this.users = users;
    this.sessions = sessions;
    this.throttle = throttle;
  }

  /**
   * The caller, if any, remembered on the request.
   *
   * @throws HttpError 401 for wrong Basic credentials, 429 while they are throttled
   */
  Optional<Principal> identify(Context ctx) {
    Principal known = ctx.attribute(PRINCIPAL);
    if (known != null) {
      return Optional.of(known);
    }
    Optional<Principal> p = basic(ctx).or(() -> session(ctx));
    p.ifPresent(v -> ctx.attribute(PRINCIPAL, v));
    return p;
  }

  /**
   * The caller when they hold one of {@code roles}.
   *
   * @throws HttpError 401 when nobody is signed in, 403 when the caller lacks every role
   */
  Principal require(Context ctx, UiRole... roles) {
    Principal p = identify(ctx).orElseThrow(() -> new HttpError(401, "authentication required"));
    Set<UiRole> wanted = EnumSet.of(roles[0], roles);
    if (p.user().uiRoles().stream().noneMatch(wanted::contains)) {
      throw new HttpError(
          403,
          "this needs the UI role "
              + wanted.stream().map(UiRole::id).collect(Collectors.joining(" or ")));
    }
    return p;
  }

  /** Checks a password for a login form or Basic header, counting failures. */
  Optional<User> login(String name, String password, String ip) {
    if (throttle.blocked(name, ip)) {
      throw new HttpError(429, "too many failed sign-ins; try again in a few minutes");
    }
    Optional<User> user = users.authenticate(name, password);
    if (user.isEmpty()) {
      throttle.failed(name, ip);
    } else {
      throttle.succeeded(name);
    }
    return user;
  }

  static boolean hasBasic(Context ctx) {
    String h = ctx.header("Authorization");
    return h != null && h.regionMatches(true, 0, "Basic ", 0, 6);
  }

  private Optional<Principal> basic(Context ctx) {
    if (!hasBasic(ctx)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(ctx.header("Authorization").substring(6).trim()),
              StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new HttpError(401, "malformed Basic credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new HttpError(401, "malformed Basic credentials");
    }
    String name = decoded.substring(0, colon);
    User user =
        login(name, decoded.substring(colon + 1), ctx.ip())
            .orElseThrow(() -> new HttpError(401, "wrong user name or password"));
    return Optional.of(new Principal(user, null));
  }

  private Optional<Principal> session(Context ctx) {
    return sessions
        .touch(ctx.cookie(COOKIE))
        // Look the user up again, so removed users and changed roles take effect at once.
        .flatMap(s -> users.find(s.user()).map(u -> new Principal(u, s)));
  }

  /** Whether {@code given} is this session's CSRF token (constant time). */
  static boolean csrfMatches(Sessions.Session s, String given) {
    return given != null
        && MessageDigest.isEqual(
            s.csrf().getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
  }

  static boolean isSafeMethod(Context ctx) {
    String m = ctx.method().name().toUpperCase(Locale.ROOT);
    return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
  }
}
