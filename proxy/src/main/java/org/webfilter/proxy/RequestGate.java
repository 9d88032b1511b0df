package org.webfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Credentials;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Identity;
import org.webfilter.policy.Policy;

/**
 * Decides one request from its head, once, in this order: client network (403), a second CONNECT on
 * a tunnel (400), PAC file and requests to the proxy itself, request loop (our own {@code Via}:
 * 508), proxy login (407), review requests from block pages, target syntax (400), internal
 * destination (403), CONNECT port (403), then the policy tightened by {@link HostDecider} (DoH
 * resolvers, IP literals). The answer is an {@link Outcome}: a complete response of ours, a tunnel
 * (an allowed CONNECT, handed to a {@link Tunnel}, which decides again on the TLS server name), or
 * where to forward the request. Malformed and oversized heads never get this far: {@link
 * ClientGuard} answers them.
 *
 * <p>Runs on the client's event loop: no blocking I/O, the policy is an in-memory snapshot. A proxy
 * login that must be checked against the directory (LDAP) was already checked by {@link LoginGate},
 * which holds the request until the directory answers, so nothing here waits for it.
 */
final class RequestGate {
  private static final Logger LOG = LoggerFactory.getLogger(RequestGate.class);

  private static final String NOT_ALLOWED =
      "webfilter: your network is not allowed to use this proxy\n";
  private static final String NOT_A_SERVER =
      "webfilter: this is a web proxy, not a web server. Set it as your browser's proxy"
          + " (automatic configuration: /proxy.pac).\n";
  private static final String LOGIN_PAGE =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Login"
          + " required</title></head><body style=\"font-family:sans-serif\"><h1>Please log"
          + " in</h1><p>The school's web filter needs your user name and password before you can"
          + " browse.</p></body></html>";
  private static final String LOGIN_FAILED_PAGE =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Login"
          + " failed</title></head><body style=\"font-family:sans-serif\"><h1>Login"
          + " failed</h1><p>The user name or password was not right. Please try"
          + " again.</p></body></html>";

  /** Where devices fetch the school CA certificate (PEM) when TLS interception is on. */
  static final String CA_PATH = "/webfilter-ca.crt";

  private static final HttpResponseStatus LOOP_DETECTED =
      new HttpResponseStatus(508, "Loop Detected");

  /** What to do with a request. */
  sealed interface Outcome {}

  /** Answer with our own complete response; {@code close}: then close the connection. */
  record Answer(FullHttpResponse response, boolean close) implements Outcome {}

  /** An allowed CONNECT: a {@link Tunnel} now owns the connection; answer 200. */
  record Tunnelled() implements Outcome {}

  /**
   * Forward to the origin: connect to {@code connectHost}:{@code port} (a SafeSearch endpoint may
   * stand in for the host), send {@code originForm} with {@code Host: authority}.
   */
  record Forward(String connectHost, int port, String authority, String originForm)
      implements Outcome {}

  private final ProxyContext shared;
  private final ChannelHandlerContext ctx;
  private final InetAddress client;
  private final boolean head;
  private final Exchange exchange;

  private RequestGate(ProxyContext shared, ChannelHandlerContext ctx, HttpRequest request, Exchange exchange) {
    this.shared = shared;
    this.ctx = ctx;
    this.client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    this.head = HttpMethod.HEAD.equals(request.method());
    this.exchange = exchange;
  }

  /** Decides {@code request} for the client of {@code ctx}, recording the decision in {@code exchange}. */
  static Outcome decide(ProxyContext shared, ChannelHandlerContext ctx, HttpRequest request, Exchange exchange) {
    RequestGate gate = new RequestGate(shared, ctx, request, exchange);
    try {
      return gate.decide(request);
    } catch (RuntimeException e) {
      // fail closed: an error in the policy must not let the request through
      LOG.error("cannot decide {} {}", request.method(), request.uri(), e);
      exchange.proxyDecision("proxy.error", "internal error in the filter");
      return new Answer(gate.text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "webfilter: internal error\n"), false);
    }
  }

  private Outcome decide(HttpRequest request) {
    if (!shared.settings.isAllowedClient(client)) {
      exchange.proxyDecision("proxy.client-not-allowed", "client network not allowed");
      FullHttpResponse r = text(HttpResponseStatus.FORBIDDEN, NOT_ALLOWED);
      r.headers().set(Responses.BLOCK_HEADER, blockHeader(null, "proxy.client-not-allowed"));
      return new Answer(r, true);
    }
    if (ctx.pipeline().get(Tunnel.NAME) != null) {
      // a request pipelined behind a CONNECT: the connection is a tunnel now
      exchange.rawUrl(request.uri());
      exchange.proxyDecision("proxy.bad-request", "a request on a connection that is already a tunnel");
      return new Answer(text(HttpResponseStatus.BAD_REQUEST, "webfilter: one CONNECT per connection\n"), true);
    }
    String uri = request.uri();
    String authority;
    String path = "";
    if (exchange.isConnect()) {
      authority = uri;
    } else if (uri.startsWith("/")) {
      String host = request.headers().get(HttpHeaderNames.HOST);
      if (HttpMethod.GET.equals(request.method()) || head) {
        String p = pathOf(uri);
        if (p.equals("/proxy.pac") || p.equals("/wpad.dat")) {
          exchange.discard(); // not a web access
          return new Answer(pac(host), false);
        }
        if (p.equals(CA_PATH) && shared.interception != null) {
          exchange.discard(); // for device deployment; only when interception has a CA
          return new Answer(Responses.of(
              HttpResponseStatus.OK, Responses.CA_CERT, shared.interception.ca.pem(), head), false);
        }
      }
      if (host == null || addressedToUs(host)) {
        exchange.discard();
        return new Answer(text(HttpResponseStatus.NOT_FOUND, NOT_A_SERVER), false);
      }
      authority = host;
      path = uri;
    } else {
      int scheme = uri.indexOf("://");
      if (scheme != 4 || !uri.regionMatches(true, 0, "http", 0, 4)) {
        authority = null;
      } else {
        int slash = uri.indexOf('/', scheme + 3);
        authority = slash < 0 ? uri.substring(scheme + 3) : uri.substring(scheme + 3, slash);
        path = slash < 0 ? "/" : uri.substring(slash);
      }
    }
    Target target = target(authority, path);
    if (target != null) {
      exchange.target(target);
    } else {
      exchange.rawUrl(uri);
    }
    if (isLoop(request)) {
      exchange.proxyDecision("proxy.loop", "the request came back to the proxy that sent it");
      return new Answer(text(LOOP_DETECTED, "webfilter: request loop detected\n"), true);
    }

    Identity identity = identify(request);
    if (identity == null) {
      return new Answer(challenge(), false);
    }
    exchange.who(identity.user(), identity.role());
    if (!exchange.isConnect() && shared.reviews.open() && ReviewDesk.isFor(path)) {
      exchange.discard(); // a pupil asking for a review: answered here, never forwarded
      return new Answer(shared.reviews.answer(request.method().name(), path, exchange.clientIp(), identity.user(), head), false);
    }

    if (target == null) {
      exchange.proxyDecision("proxy.bad-request", "the request target is not a valid http URL");
      return new Answer(text(HttpResponseStatus.BAD_REQUEST, "webfilter: bad request target\n"), false);
    }
    if (shared.guard.refusesLiteral(target.host())) {
      exchange.proxyDecision(
          "proxy.destination-not-allowed",
          "internal addresses are not reachable through the proxy");
      return blocked(null, List.of());
    }
    String role = identity.role();
    if (exchange.isConnect()
        && shared.decider.restricts(role)
        && !shared.options.connectPorts().contains(target.port())) {
      exchange.proxyDecision(
          Circumvention.PORT_RULE,
          "tunnels may only reach port(s) " + shared.options.connectPorts());
      return blocked(Circumvention.CATEGORY, List.of());
    }
    Policy policy = shared.policy.get();
    // a CONNECT to an IP is decided again on its TLS server name (Tunnel)
    Decision d =
        shared.decider.decide(policy, role, target, exchange.time, !exchange.isConnect());
    exchange.policyDecision(d);
    if (d.blocked()) {
      return blocked(d.blockedCategory(), d.trace());
    }
    if (exchange.isConnect()) {
      Tunnel.install(ctx.pipeline(), shared, exchange, policy, role, target, d);
      return new Tunnelled();
    }
    String connectHost = target.host();
    if (shared.options.safeSearchRole().test(role)) {
      connectHost = SafeSearch.endpointFor(target.host()).orElse(connectHost);
    }
    return new Forward(connectHost, target.port(), authority, path);
  }

  private Identity identify(HttpRequest request) {
    ProxyLogin.Offer offer =
        ProxyLogin.parse(request.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
    Identification id = LoginGate.checked(ctx.channel(), request);
    if (id == null && offer instanceof ProxyLogin.Malformed) {
      id = new Identification.LoginFailed(null);
    } else if (id == null) {
      Credentials c = offer instanceof ProxyLogin.Offered o ? o.credentials() : null;
      Policy policy = shared.policy.get();
      id = now(policy.identifyAsync(client, c), c);
    }
    if (id instanceof Identification.Identified ok) {
      return ok.identity();
    }
    if (id instanceof Identification.LoginFailed failed) {
      exchange.who(failed.user(), "none");
      exchange.proxyDecision("proxy.login-failed", "proxy login failed");
    } else {
      exchange.proxyDecision("proxy.login-required", "proxy login required");
    }
    return null;
  }

  /**
   * The identification, which must be complete: {@link LoginGate} has already waited (off the
   * event loop) for every login that needed the directory, so this never blocks. Should one still be
   * pending, the login fails (closed) rather than stall every client of this event loop.
   */
  private static Identification now(CompletableFuture<Identification> f, Credentials c) {
    if (f.isDone()) {
      return f.join();
    }
    LOG.error("proxy login of {} still pending when deciding; refused", c);
    return new Identification.LoginFailed(c == null ? null : c.user());
  }

  private FullHttpResponse challenge() {
    boolean failed = "proxy.login-failed".equals(exchange.rule());
    return Responses.challenge(failed ? LOGIN_FAILED_PAGE : LOGIN_PAGE, head);
  }

  private Answer blocked(String category, List<String> trace) {
    String cat = category == null ? "none" : category;
    String rule = exchange.rule();
    FullHttpResponse r;
    if (exchange.isConnect()) {
      r =
          text(
              HttpResponseStatus.FORBIDDEN,
              "webfilter: blocked (" + cat + "), ref " + exchange.id + "\n");
    } else {
      String who =
          exchange.user() == null
              ? exchange.clientIp()
              : exchange.user() + " (" + exchange.clientIp() + ")";
      shared.reviews.shown(exchange, cat);
      String html =
          shared.blockPage.render(
              new BlockPage.Details(
                  exchange.url(),
                  cat,
                  exchange.reason(),
                  trace,
                  rule,
                  who,
                  exchange.time,
                  exchange.id.toString()));
      r = Responses.of(HttpResponseStatus.FORBIDDEN, Responses.HTML, html, head);
    }
    r.headers().set(Responses.BLOCK_HEADER, blockHeader(cat, rule));
    return new Answer(r, exchange.isConnect());
  }

  private String blockHeader(String category, String rule) {
    return (category == null ? "none" : category) + "; rule=" + rule + "; ref=" + exchange.id;
  }

  private FullHttpResponse text(HttpResponseStatus status, String body) {
    return Responses.of(status, Responses.TEXT, body, head);
  }

  private FullHttpResponse pac(String hostHeader) {
    String body = PacFile.render(hostHeader, shared.pacHost(), shared.port());
    return Responses.of(HttpResponseStatus.OK, Responses.PAC, body, head);
  }

  /** An origin-form request whose Host names our port is meant for the proxy itself. */
  private boolean addressedToUs(String host) {
    int colon = host.lastIndexOf(':');
    int port = 80;
    if (colon > host.lastIndexOf(']')) {
      try {
        port = Integer.parseInt(host.substring(colon + 1));
      } catch (NumberFormatException e) {
        return true; // not a usable Host; answer it ourselves
      }
    }
    return port == shared.port();
  }

  private static Target target(String authority, String path) {
    if (authority == null || !Authority.isValid(authority)) {
      return null;
    }
    try {
      return path.isEmpty()
          ? Target.ofConnect(authority)
          : Target.parse("http://" + authority + path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String pathOf(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? uri : uri.substring(0, q);
  }

  /** Whether the request carries our own {@code Via} entry: it has looped back to us. */
  private boolean isLoop(HttpRequest request) {
    for (String via : request.headers().getAll(HttpHeaderNames.VIA)) {
      for (String entry : via.split(",")) {
        String[] parts = entry.trim().split("\\s+");
        if (parts.length >= 2 && parts[1].equalsIgnoreCase(shared.viaName)) {
          return true;
        }
      }
    }
    return false;
  }
}
