package org.webfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.littleshoot.proxy.HttpFiltersAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Credentials;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Identity;
import org.webfilter.policy.Policy;

/**
 * The life of one request through the proxy. LittleProxy makes one per request and calls:
 *
 * <ol>
 *   <li>{@link #clientToProxyRequest} with the request head: here the whole decision is made, once,
 *       in this order — client network (403), PAC file and requests to the proxy itself, request
 *       loop (our own {@code Via}: 508), proxy login (407), target syntax (400), internal
 *       destination (403), CONNECT port (403), then the policy tightened by {@link HostDecider}
 *       (DoH resolvers, IP literals). A block is answered by returning a complete response, which
 *       LittleProxy writes instead of forwarding. An allowed CONNECT is handed to a {@link Tunnel}
 *       (which decides again on the TLS server name) and answered 200 here. Malformed and
 *       oversized heads never get this far: {@link ClientGuard} answers them;
 *   <li>for an allowed request, LittleProxy resolves the host through {@link DestinationGuard},
 *       connects and relays; body chunks come back through {@link #clientToProxyRequest} (counted);
 *   <li>{@link #proxyToClientResponse} with each part of the response that goes to the client, ours
 *       included: the status and sizes are recorded and the event is published on the last part. A
 *       tunnel's event is published by {@link ClientConnectionHook} when it is established, and an
 *       unfinished exchange's when the client disconnects.
 * </ol>
 *
 * <p>Everything here runs on Netty event loops: no blocking I/O, the policy is an in-memory
 * snapshot, the event sink only enqueues. A proxy login that must be checked against the directory
 * (LDAP) was already checked by {@link LoginGate}, which holds the request ahead of LittleProxy
 * until the directory answers, so nothing here waits for it.
 */
final class RequestFilter extends HttpFiltersAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(RequestFilter.class);

  /** An authority we forward to: what LittleProxy will connect to must be what we decided on. */
  private static final Pattern AUTHORITY =
      Pattern.compile(
          "(?:[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*\\.?|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?");

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
  private static final HttpResponseStatus CONNECTION_ESTABLISHED =
      new HttpResponseStatus(200, "Connection established");

  private final RequestFilters shared;
  private final ClientConnectionHook hook;
  private final InetAddress client;
  private final boolean head;
  private final Exchange exchange;
  private boolean serverResponded;
  private String role;
  /** This CONNECT was handed to a {@link Tunnel}, which reports its event itself. */
  private boolean tunnel;

  RequestFilter(
      HttpRequest request,
      ChannelHandlerContext ctx,
      RequestFilters shared,
      ClientConnectionHook hook) {
    super(request, ctx);
    this.shared = shared;
    this.hook = hook;
    this.client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
    this.head = HttpMethod.HEAD.equals(request.method());
    this.exchange =
        new Exchange(
            shared.clock,
            shared.events,
            shared.settings.nodeName(),
            client.getHostAddress(),
            request.method().name(),
            HttpMethod.CONNECT.equals(request.method()));
  }

  @Override
  public HttpResponse clientToProxyRequest(HttpObject msg) {
    if (msg instanceof HttpRequest request) {
      exchange.addBytesIn(HttpSizes.head(request));
      try {
        return decide(request);
      } catch (RuntimeException e) {
        // fail closed: an error in the policy must not let the request through
        LOG.error("cannot decide {} {}", request.method(), request.uri(), e);
        exchange.proxyDecision("proxy.error", "internal error in the filter");
        return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "webfilter: internal error\n");
      }
    }
    if (msg instanceof HttpContent c) {
      exchange.addBytesIn(c.content().readableBytes());
    }
    return null;
  }

  private HttpResponse decide(HttpRequest request) {
    if (!shared.settings.isAllowedClient(client)) {
      exchange.proxyDecision("proxy.client-not-allowed", "client network not allowed");
      FullHttpResponse r = text(HttpResponseStatus.FORBIDDEN, NOT_ALLOWED);
      r.headers().set(Responses.BLOCK_HEADER, blockHeader(null, "proxy.client-not-allowed"));
      HttpUtil.setKeepAlive(r, false);
      return start(r);
    }
    if (exchange.isConnect() && ctx.pipeline().get(Tunnel.NAME) != null) {
      // a second CONNECT pipelined behind the first: the connection is a tunnel now
      exchange.rawUrl(request.uri());
      exchange.proxyDecision("proxy.bad-request", "a second CONNECT on a connection that is already a tunnel");
      FullHttpResponse r = text(HttpResponseStatus.BAD_REQUEST, "webfilter: one CONNECT per connection\n");
      HttpUtil.setKeepAlive(r, false);
      return start(r);
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
          return pac(host);
        }
        if (p.equals(CA_PATH) && shared.interception != null) {
          exchange.discard(); // for device deployment; only when interception has a CA
          return Responses.of(
              HttpResponseStatus.OK, Responses.CA_CERT, shared.interception.ca.pem(), head);
        }
      }
      if (host == null || addressedToUs(host)) {
        exchange.discard();
        return text(HttpResponseStatus.NOT_FOUND, NOT_A_SERVER);
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
      FullHttpResponse r = text(LOOP_DETECTED, "webfilter: request loop detected\n");
      HttpUtil.setKeepAlive(r, false);
      return start(r);
    }

    Identity identity = identify(request);
    if (identity == null) {
      return start(challenge());
    }
    exchange.who(identity.user(), identity.role());
    if (!exchange.isConnect() && shared.reviews.open() && ReviewDesk.isFor(path)) {
      exchange.discard(); // a pupil asking for a review: answered here, never forwarded
      return start(shared.reviews.answer(request.method().name(), path, exchange.clientIp(), identity.user(), head));
    }

    if (target == null) {
      exchange.proxyDecision("proxy.bad-request", "the request target is not a valid http URL");
      return start(text(HttpResponseStatus.BAD_REQUEST, "webfilter: bad request target\n"));
    }
    if (shared.guard.refusesLiteral(target.host())) {
      exchange.proxyDecision(
          "proxy.destination-not-allowed",
          "internal addresses are not reachable through the proxy");
      return start(blocked(null, List.of()));
    }
    role = identity.role();
    if (exchange.isConnect()
        && shared.decider.restricts(role)
        && !shared.options.connectPorts().contains(target.port())) {
      exchange.proxyDecision(
          Circumvention.PORT_RULE,
          "tunnels may only reach port(s) " + shared.options.connectPorts());
      return start(blocked(Circumvention.CATEGORY, List.of()));
    }
    Policy policy = shared.policy.get();
    // a CONNECT to an IP is decided again on its TLS server name (Tunnel)
    Decision d =
        shared.decider.decide(policy, role, target, exchange.time, !exchange.isConnect());
    exchange.policyDecision(d);
    if (d.blocked()) {
      return start(blocked(d.blockedCategory(), d.trace()));
    }
    request.headers().remove(HttpHeaderNames.PROXY_AUTHORIZATION); // never forward the password
    if (exchange.isConnect()) {
      Tunnel.install(ctx.pipeline(), shared, exchange, policy, role, target, d);
      tunnel = true;
      FullHttpResponse ok =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, CONNECTION_ESTABLISHED);
      exchange.addBytesOut(HttpSizes.head(ok));
      return ok;
    }
    stripConnectionListed(request.headers());
    if (!exchange.isConnect()) {
      // RFC 9112 §3.2.2: the target URI's authority replaces any Host the client sent; otherwise a
      // shared host (CDN) would serve the site named in Host, not the one we allowed
      request.headers().set(HttpHeaderNames.HOST, authority);
    }
    hook.current(exchange);
    return null;
  }

  /** Registers the exchange for this connection and returns our own response to send. */
  private HttpResponse start(HttpResponse r) {
    hook.current(exchange);
    return r;
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

  private FullHttpResponse blocked(String category, List<String> trace) {
    String cat = category == null ? "none" : category;
    String rule = exchange.rule();
    FullHttpResponse r;
    if (exchange.isConnect()) {
      r =
          text(
              HttpResponseStatus.FORBIDDEN,
              "webfilter: blocked (" + cat + "), ref " + exchange.id + "\n");
      HttpUtil.setKeepAlive(r, false);
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
    return r;
  }

  private String blockHeader(String category, String rule) {
    return (category == null ? "none" : category) + "; rule=" + rule + "; ref=" + exchange.id;
  }

  private FullHttpResponse text(HttpResponseStatus status, String body) {
    return Responses.of(status, Responses.TEXT, body, head);
  }

  private HttpResponse pac(String hostHeader) {
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
    if (authority == null || !AUTHORITY.matcher(authority).matches()) {
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

  @Override
  public HttpObject serverToProxyResponse(HttpObject msg) {
    serverResponded = true;
    if (msg instanceof HttpResponse r) {
      stripConnectionListed(r.headers());
    }
    return msg;
  }

  /**
   * Removes the headers a {@code Connection} header names (RFC 9110 §7.6.1): they are meant for
   * this hop only. LittleProxy removes the fixed hop-by-hop set but not these. {@code Upgrade}
   * stays, for WebSockets.
   */
  static void stripConnectionListed(io.netty.handler.codec.http.HttpHeaders h) {
    for (String value : h.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim();
        if (!name.isEmpty()
            && !name.equalsIgnoreCase("upgrade")
            && !name.equalsIgnoreCase("close")
            && !name.equalsIgnoreCase("keep-alive")) {
          h.remove(name);
        }
      }
    }
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

  /**
   * SafeSearch for plain-HTTP requests of roles that have it: connect to the engine's safe endpoint
   * (see {@link SafeSearch}). Runs on the event loop like LittleProxy's own lookup, which it
   * replaces; the JVM's DNS cache keeps it off the network most of the time.
   */
  @Override
  public InetSocketAddress proxyToServerResolutionStarted(String hostAndPort) {
    if (role == null || !shared.options.safeSearchRole().test(role) || exchange.host() == null) {
      return null;
    }
    return SafeSearch.endpointFor(exchange.host())
        .map(
            safe -> {
              try {
                return shared.guard.resolve(safe, exchange.port());
              } catch (java.net.UnknownHostException e) {
                return null; // LittleProxy then resolves the original name and reports failures
              }
            })
        .orElse(null);
  }

  @Override
  public HttpObject proxyToClientResponse(HttpObject msg) {
    if (tunnel) {
      return msg; // our 200; the tunnel publishes the event once it knows the outcome
    }
    if (exchange.finished()) {
      return msg; // a later error on this keep-alive connection is not this request's
    }
    if (msg instanceof HttpResponse first
        && !serverResponded
        && isGatewayError(first)
        && first instanceof FullHttpResponse full) {
      msg = plainGatewayError(full);
    }
    if (msg instanceof HttpResponse r) {
      exchange.status(r.status().code());
      exchange.addBytesOut(HttpSizes.head(r));
      if (r.status().code() == 101) {
        exchange.finish(); // a WebSocket: the rest is frames, not a response body
      }
    }
    if (msg instanceof HttpContent c) {
      exchange.addBytesOut(c.content().readableBytes());
      if (msg instanceof LastHttpContent) {
        exchange.finish();
      }
    }
    return msg;
  }

  private static boolean isGatewayError(HttpResponse r) {
    int code = r.status().code();
    return code == 502 || code == 504;
  }

  /**
   * LittleProxy's own 502/504 echo the request URI in an HTML page; replace that with plain text so
   * a crafted URL cannot inject markup in the name of the site it targets.
   */
  private FullHttpResponse plainGatewayError(FullHttpResponse r) {
    String body =
        r.status().code() == 504
            ? "webfilter: the web site did not answer in time\n"
            : "webfilter: cannot reach this web site\n";
    byte[] bytes = head ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    // LittleProxy's buffer is sized for its own page, so build a new response instead of rewriting it.
    FullHttpResponse plain = r.replace(Unpooled.wrappedBuffer(bytes));
    r.release();
    plain.headers().set(HttpHeaderNames.CONTENT_TYPE, Responses.TEXT);
    plain.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.getBytes(StandardCharsets.UTF_8).length);
    return plain;
  }
}
