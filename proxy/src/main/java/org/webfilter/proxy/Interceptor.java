package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.config.ProxyLimits;

/**
 * The HTTP side of an intercepted tunnel: sits on the client channel behind the server {@link
 * SslHandler} (with our leaf certificate) and an {@link HttpServerCodec}, which {@link Tunnel}
 * installs once the TLS server name is known. Each decrypted request is handled like a plain one:
 *
 * <ol>
 *   <li>a request {@link ClientGuard} would refuse if it came in plain (too many header fields,
 *       ambiguous body framing, bad Host, bad chunking, a head too slow to arrive, ...) gets the
 *       same answer, and the tunnel is closed;
 *   <li>its target is {@code https://<server name>[:port]<path>}, whatever the request line or
 *       {@code Host} say (the server name is what was decided on and certified); the request gets
 *       its own {@link Exchange} and access event ({@code intercepted}, scheme {@code https});
 *   <li>the policy decides the full URL; a block is answered here with the block page (403,
 *       {@code X-Webfilter-Block}) over TLS, and the body, if any, is dropped;
 *   <li>an allowed request goes to the origin over TLS verified against the system trust store
 *       and the server name: on an idle connection from the {@link UpstreamPool} (keyed by {@link
 *       UpstreamKey#tls}: server name, host connected to, port), so tunnels to the same site, of
 *       this client or another on the same event loop, share connections and their handshakes; or
 *       on a new one (name resolved off the event loop, connected on it). A certificate that fails
 *       verification answers a block page ({@value #CERTIFICATE_INVALID_RULE}), never a silent
 *       pass, and the connection is closed, never pooled; other failures a 502. SafeSearch roles
 *       get the engines' safe switches forced ({@link SafeSearch#enforce});
 *   <li>the response streams back part by part, with back-pressure both ways. One request is in
 *       flight at a time: pipelined requests wait in order. The connection then goes back to the
 *       pool when both ends keep it alive and the response was read whole. A {@code 101 Switching
 *       Protocols} (WebSocket) turns the tunnel into a byte relay, and its connection is never
 *       pooled.
 * </ol>
 *
 * As for plain requests ({@link ClientSession}), a client's {@code Connection: close} closes the
 * tunnel after its response, what follows a request that asks to upgrade waits undecoded until
 * the answer (see {@link HttpRelay}), and a pooled connection may turn out closed by the
 * origin before the first response byte: a request without a body is then sent again once on a
 * new connection. A request with a body only reuses the connection this tunnel just gave back (as
 * it did before there was a pool), never one another tunnel left.
 *
 * Every message is either passed on or released; all of it runs on the client's event loop.
 */
final class Interceptor extends HttpRelay implements UpstreamPool.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(Interceptor.class);
  static final String NAME = "webfilter-intercept";
  static final String TLS = "webfilter-tls";
  static final String HTTP = "webfilter-http";
  static final String HEAD_TIMER = "webfilter-head-timer";
  static final String CERTIFICATE_INVALID_RULE = "tls.upstream-certificate-invalid";

  private final ProxyContext shared;
  private final Exchange tunnel;
  private final String role;
  /** The TLS server name: what the leaf names and the upstream certificate must prove. */
  private final String host;
  private final int port;
  /** Where to connect: the host, or its SafeSearch endpoint (which serves the same name). */
  private final String connectHost;

  private final UpstreamKey key;
  private UpstreamPool.Connection upstream;
  /** A new connection in its TCP or TLS handshake, for {@link #pendingHead}. */
  private UpstreamPool.Connection opening;
  /** The connection this tunnel last gave back to the pool, for a request with a body. */
  private UpstreamPool.Connection last;
  /** The head of a bodyless request sent on a pooled connection, for a second try. */
  private HttpRequest retry;
  /** The upstream connection may serve another request after this response. */
  private boolean reusable;
  private final HeadTimer headTimer;
  /** The request being decoded asked to upgrade. */
  private boolean upgrading;

  Interceptor(
      ProxyContext shared,
      Exchange tunnel,
      String role,
      String host,
      int port,
      String connectHost) {
    this.shared = shared;
    this.tunnel = tunnel;
    this.role = role;
    this.host = host;
    this.port = port;
    this.connectHost = connectHost;
    this.key = UpstreamKey.tls(host, connectHost, port);
    this.headTimer = new HeadTimer(shared.options.limits(), this::headTooSlow);
  }

  /** The client-side handlers, after {@code after} in the pipeline of {@code ctx}. */
  static void install(
      ChannelHandlerContext ctx, String after, SslHandler ssl, ProxyLimits limits, Interceptor i) {
    ctx.pipeline()
        .addAfter(after, TLS, ssl)
        .addAfter(
            TLS,
            HEAD_TIMER,
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext c, Object msg) {
                i.headTimer.read(c, msg); // decrypted, not yet decoded
                c.fireChannelRead(msg);
              }
            })
        .addAfter(HEAD_TIMER, HTTP, new HttpServerCodec(ClientGuard.decoderConfig(limits)))
        .addAfter(HTTP, NAME, i);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest r) {
      headTimer.stop();
      upgrading = asksUpgrade(r);
    }
    if (msg instanceof LastHttpContent) {
      headTimer.requestEnded();
      super.channelRead(ctx, msg);
      if (upgrading) {
        upgrading = false;
        pauseDecoding();
      }
      return;
    }
    super.channelRead(ctx, msg);
  }

  /**
   * The end of a request that asked to upgrade: as for plain requests ({@link ClientGuard}),
   * nothing more is decoded until its answer says whether what follows is HTTP. The codec's decoder
   * leaves, passing on what it had not decoded; its encoder stays for the answer.
   */
  private void pauseDecoding() {
    if (ctx.pipeline().get(HTTP) instanceof HttpServerCodec codec && !closed) {
      headTimer.hold(); // the wait is the origin's, not a slow head
      codec.removeInboundHandler();
    }
  }

  /** Not switched: a new codec (every answer so far is out), and what waited through it. */
  @Override
  void decodeAgain(List<ByteBuf> held) {
    ChannelPipeline p = ctx.pipeline();
    p.replace(HTTP, HTTP, new HttpServerCodec(ClientGuard.decoderConfig(shared.options.limits())));
    ChannelHandlerContext timer = p.context(HEAD_TIMER);
    headTimer.requestEnded(); // between requests again: the next byte starts the clock
    for (ByteBuf b : held) {
      timer.fireChannelRead(b);
    }
    timer.fireChannelReadComplete();
  }

  /** What ClientGuard answers a plain client too slow with its head, but inside TLS. */
  private void headTooSlow() {
    ChannelHandlerContext http = ctx.pipeline().context(HTTP);
    if (http != null && !closed) {
      closed = true;
      ClientGuard.Refusal no = ClientGuard.TOO_SLOW;
      ClientGuard.refuseAt(http, no.status(), no.phrase(), no.text());
    }
  }

  @Override
  Channel upstream() {
    return upstream == null ? null : upstream.channel();
  }

  @Override
  void clientBytesAfterUpgrade(Object msg) {
    if (upstream != null && msg instanceof ByteBuf) {
      Channel up = upstream.channel();
      up.writeAndFlush(msg, up.voidPromise());
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  void begin(HttpRequest request) {
    Exchange x = shared.exchange(tunnel.clientIp(), request.method().name(), false);
    x.intercepted();
    x.who(tunnel.user(), role);
    start(request, x);
    closeAfterResponse = !HttpUtil.isKeepAlive(request);
    ClientGuard.Refusal no = ClientGuard.check(request, shared.options.limits().maxHeaderCount());
    if (no != null) {
      // what a plain request gets from ClientGuard, and closed for the same reason: after a bad
      // head the two ends may no longer agree where the next request starts
      ReferenceCountUtil.release(request);
      x.rawUrl(request.uri());
      x.proxyDecision("proxy.bad-request", no.text().trim() + " (inside the TLS tunnel)");
      closeAfterResponse = true;
      discarding = true;
      answer(refusal(no));
      return;
    }
    Target target = target(request.uri());
    if (target == null) {
      ReferenceCountUtil.release(request);
      x.rawUrl(request.uri());
      x.proxyDecision("proxy.bad-request", "the request target is not a valid URL");
      discarding = !requestDone;
      answer(text(HttpResponseStatus.BAD_REQUEST, "webfilter: bad request target\n"));
      return;
    }
    x.target(target);
    if (shared.reviews.open() && ReviewDesk.isFor(request.uri())) {
      ReferenceCountUtil.release(request);
      x.discard(); // a pupil asking for a review from an intercepted block page
      discarding = !requestDone;
      answer(shared.reviews.answer(request.method().name(), request.uri(), x.clientIp(), tunnel.user(), head));
      return;
    }
    Decision d;
    try {
      d = shared.decider.decide(shared.policy.get(), role, target, x.time, true);
    } catch (RuntimeException e) {
      // fail closed: an error in the policy must not let the request through
      LOG.error("cannot decide {} {}", request.method(), x.url(), e);
      ReferenceCountUtil.release(request);
      x.proxyDecision("proxy.error", "internal error in the filter");
      discarding = !requestDone;
      answer(text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "webfilter: internal error\n"));
      return;
    }
    x.policyDecision(d);
    if (d.blocked()) {
      ReferenceCountUtil.release(request);
      discarding = !requestDone;
      answer(blockPage(d.blockedCategory(), d.trace()));
      return;
    }
    prepare(request);
    forward(request);
  }

  /** Sends an allowed request on a pooled connection, or on a new one. */
  private void forward(HttpRequest request) {
    // HTTP/1.0 has no chunked framing, so such a request and its response use their own connection
    reusable = request.protocolVersion().isKeepAliveDefault();
    retry = null;
    boolean bodyless = requestDone || !hasBody(request);
    UpstreamPool.Connection c = null;
    if (reusable) {
      c = bodyless ? shared.pool.take(key, this) : shared.pool.reclaim(last, this);
    }
    if (c == null) {
      pendingHead = request;
      connect();
      return;
    }
    retry = bodyless ? request : null;
    upstream = c;
    c.channel().config().setAutoRead(true);
    c.channel().write(request, c.channel().voidPromise());
  }

  /** {@code https://host[:port]path} from an origin-form (or absolute-form) request target. */
  private Target target(String uri) {
    String path;
    if (uri.startsWith("/")) {
      path = uri;
    } else if (uri.regionMatches(true, 0, "https://", 0, 8)
        || uri.regionMatches(true, 0, "http://", 0, 7)) {
      int slash = uri.indexOf('/', uri.indexOf("//") + 2);
      path = slash < 0 ? "/" : uri.substring(slash);
    } else if (uri.equals("*")) {
      path = "/";
    } else {
      return null;
    }
    try {
      return Target.parse("https://" + authority() + path);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String authority() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == 443 ? h : h + ":" + port;
  }

  /** Makes the request fit for the upstream hop. */
  private void prepare(HttpRequest request) {
    var h = request.headers();
    HopByHop.stripConnectionListed(h);
    h.remove(HttpHeaderNames.PROXY_AUTHORIZATION);
    h.remove("Proxy-Connection");
    h.remove(HttpHeaderNames.KEEP_ALIVE);
    // the server name decided on is the site asked for (RFC 9112 §3.2.2, as for plain requests)
    h.set(HttpHeaderNames.HOST, authority());
    h.add(HttpHeaderNames.VIA, "1.1 " + shared.viaName);
    if (!request.uri().startsWith("/")) {
      Target t = target(request.uri());
      request.setUri(t == null || t.path().isEmpty() ? "/" : t.path());
    }
    if (shared.options.safeSearchRole().test(role)) {
      SafeSearch.enforce(host, request);
    }
  }

  // ---- our own answers ----

  private FullHttpResponse blockPage(String category, List<String> trace) {
    Exchange x = current;
    String cat = category == null ? "none" : category;
    String who =
        x.user() == null ? x.clientIp() : x.user() + " (" + x.clientIp() + ")";
    shared.reviews.shown(x, cat);
    String html =
        shared.blockPage.render(
            new BlockPage.Details(
                x.url(), cat, x.reason(), trace, x.rule(), who, x.time, x.id.toString()));
    FullHttpResponse r = Responses.of(HttpResponseStatus.FORBIDDEN, Responses.HTML, html, head);
    r.headers().set(Responses.BLOCK_HEADER, cat + "; rule=" + x.rule() + "; ref=" + x.id);
    return r;
  }

  // ---- the upstream connection ----

  private void connect() {
    Upstreams.resolve(shared, ctx, connectHost, port, this::open, this::unreachable);
  }

  private void open(InetSocketAddress address) {
    if (closed) {
      return;
    }
    Interception tls = shared.interception;
    UpstreamPool.Connection c = shared.pool.connection(key, this);
    opening = c;
    long idle = shared.options.limits().idleTimeout().toMillis();
    Upstreams.bootstrap(shared, ctx)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                SslHandler ssl = tls.upstream.newHandler(ch.alloc(), host, port);
                // the certificate is checked within the handshake: only a connection that passed
                // it becomes this tunnel's upstream, and so only such a one can reach the pool
                ssl.handshakeFuture()
                    .addListener(
                        f -> {
                          if (f.isSuccess()) {
                            upstreamReady(c);
                          } else {
                            upstreamFailed(c, f.cause());
                          }
                        });
                ch.pipeline()
                    .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                    .addLast("tls", ssl)
                    .addLast("http", Upstreams.httpCodec())
                    .addLast("relay", c);
              }
            })
        .connect(address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    upstreamFailed(c, f.cause());
                  }
                });
  }

  /** The TLS handshake with the server, certificate check included, succeeded: send what waits. */
  private void upstreamReady(UpstreamPool.Connection c) {
    if (c != opening) {
      c.channel().close();
      return;
    }
    opening = null;
    if (closed || pendingHead == null) {
      shared.pool.give(c); // verified and unused: another tunnel may have it
      return;
    }
    upstream = c;
    HttpRequest r = pendingHead;
    pendingHead = null;
    c.channel().write(r, c.channel().voidPromise());
    drain();
  }

  private void upstreamFailed(UpstreamPool.Connection c, Throwable cause) {
    if (c != opening) {
      return; // already reported (the connect and the handshake both fail when the TCP connect does)
    }
    opening = null;
    c.channel().close();
    unreachable(cause);
  }

  /** No connection for {@link #pendingHead}: a block page for a bad certificate, else a 502. */
  private void unreachable(Throwable cause) {
    if (closed || pendingHead == null) {
      return;
    }
    ReferenceCountUtil.release(pendingHead);
    pendingHead = null;
    discarding = !requestDone;
    if (isCertificateProblem(cause)) {
      current.proxyDecision(
          CERTIFICATE_INVALID_RULE,
          "the site's certificate could not be verified (" + rootMessage(cause) + ")");
      answer(blockPage(null, List.of("upstream TLS: " + rootMessage(cause))));
    } else {
      LOG.debug("intercepted {}:{} not reachable: {}", host, port, String.valueOf(cause));
      answer(text(HttpResponseStatus.BAD_GATEWAY, "webfilter: cannot reach this web site\n"));
    }
    drain();
  }

  private static boolean isCertificateProblem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
  }

  @Override
  void upstreamBytesAfterUpgrade(Object msg) {
    ByteBuf bytes = upgradedBytes(msg);
    if (bytes != null) {
      // past our HTTP codec, which is still there until the 101 is out, straight into TLS
      ChannelHandlerContext http = ctx.pipeline().context(HTTP);
      (http != null ? http : ctx).write(bytes, ctx.voidPromise());
    }
  }

  @Override
  void responseHead(HttpResponse r) {
    current.addBytesOut(HttpSizes.head(r));
    boolean framed = framed(r);
    reusable &= framed && HttpUtil.isKeepAlive(r);
    HopByHop.stripConnectionListed(r.headers());
    if (!framed) {
      closeAfterResponse = true; // the body ends when the server closes: so must ours
    }
    if (closeAfterResponse && !informational && r.status().code() != 101) {
      HttpUtil.setKeepAlive(r, false); // after a 101 the connection is the relay
    }
  }

  @Override
  void responseComplete() {
    UpstreamPool.Connection c = upstream;
    upstream = null;
    if (reusable && requestDone && !closed) {
      last = c;
      shared.pool.give(c);
    } else {
      c.channel().close();
    }
  }

  @Override
  void dropUpstream() {
    reusable = false;
    if (upstream != null) {
      UpstreamPool.Connection c = upstream;
      upstream = null;
      c.channel().close();
    }
  }

  /** 101: the rest is not HTTP; both codecs step aside and bytes are relayed as they are. */
  @Override
  void switchProtocols(HttpResponse r) {
    headTimer.stop(); // no more heads: frames may come as slowly as they like
    ctx.pipeline().remove(HEAD_TIMER);
    ((HttpClientCodec) upstream.channel().pipeline().get("http")).prepareUpgradeFrom(null);
    HttpServerCodec codec = (HttpServerCodec) ctx.pipeline().get(HTTP);
    ctx.writeAndFlush(r)
        .addListener(
            f -> {
              if (ctx.pipeline().get(HTTP) != null) {
                codec.upgradeFrom(ctx.pipeline().context(HTTP));
              }
            });
    ctx.channel().config().setAutoRead(true);
  }

  // ---- what the upstream connection reports (UpstreamPool.Owner) ----

  @Override
  public void fromUpstream(UpstreamPool.Connection c, Object msg) {
    if (c != upstream) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpObject) {
      retry = null; // the origin answered: this connection was alive
    }
    fromUpstream(msg);
  }

  @Override
  public void upstreamReadComplete(UpstreamPool.Connection c) {
    if (c == upstream) {
      upstreamReadComplete(c.channel());
    }
  }

  @Override
  public void upstreamWritabilityChanged(UpstreamPool.Connection c) {
    updateAutoRead();
  }

  @Override
  public void upstreamIdle(UpstreamPool.Connection c) {
    if (c != upstream || current == null || responseStarted) {
      c.channel().close(); // a handshake or a response that stalled half way, or a quiet WebSocket
      return;
    }
    dropUpstream();
    discarding = !requestDone;
    answer(text(HttpResponseStatus.GATEWAY_TIMEOUT, "webfilter: the web site did not answer in time\n"));
    drain();
  }

  @Override
  public void upstreamClosed(UpstreamPool.Connection c) {
    if (c != upstream) {
      return; // one still opening reports through its handshake
    }
    upstream = null;
    if (retry != null && requestDone && !closed && current != null && !responseStarted) {
      // a pooled connection the origin had closed: the request never arrived; send it again
      pendingHead = copyOf(retry);
      retry = null;
      connect();
      return;
    }
    upstreamGone();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
      // usually a device that does not trust the school CA (yet)
      LOG.debug("client TLS handshake for {} failed: {}", host, String.valueOf(e.cause()));
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    headTimer.stop();
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("intercepted tunnel to {} failed: {}", host, cause.toString());
    BufferMemoryAlarm.check(cause);
    ctx.close();
  }
}
