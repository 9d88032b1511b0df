package org.webfilter.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;

/**
 * The HTTP side of an intercepted tunnel: sits on the client channel behind the server {@link
 * SslHandler} (with our leaf certificate) and an {@link HttpServerCodec}, which {@link Tunnel}
 * installs once the TLS server name is known. Each decrypted request is handled like a plain one:
 *
 * <ol>
 *   <li>its target is {@code https://<server name>[:port]<path>}, whatever the request line or
 *       {@code Host} say (the server name is what was decided on and certified); the request gets
 *       its own {@link Exchange} and access event ({@code intercepted}, scheme {@code https});
 *   <li>the policy decides the full URL; a block is answered here with the block page (403,
 *       {@code X-Webfilter-Block}) over TLS, and the body, if any, is dropped;
 *   <li>an allowed request goes to one upstream connection per tunnel (opened on first use, on the
 *       client's event loop, name resolved off it), over TLS verified against the system trust
 *       store and the server name. A certificate that fails verification answers a block page
 *       ({@value #CERTIFICATE_INVALID_RULE}), never a silent pass; other failures a 502. SafeSearch
 *       roles get the engines' safe switches forced ({@link SafeSearch#enforce});
 *   <li>the response streams back part by part, with back-pressure both ways. One request is in
 *       flight at a time: pipelined requests wait in order. A {@code 101 Switching Protocols}
 *       (WebSocket) turns the tunnel into a byte relay.
 * </ol>
 *
 * Every message is either passed on or released; all of it runs on the client's event loop.
 */
final class Interceptor extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(Interceptor.class);
  static final String NAME = "webfilter-intercept";
  static final String TLS = "webfilter-tls";
  static final String HTTP = "webfilter-http";
  static final String CERTIFICATE_INVALID_RULE = "tls.upstream-certificate-invalid";
  /** More requests than this waiting behind the one in flight: the client is abusive. */
  private static final int MAX_WAITING = 64;

  private final ProxyContext shared;
  private final Exchange tunnel;
  private final String role;
  /** The TLS server name: what the leaf names and the upstream certificate must prove. */
  private final String host;
  private final int port;
  /** Where to connect: the host, or its SafeSearch endpoint (which serves the same name). */
  private final String connectHost;

  private final ArrayDeque<HttpObject> inbox = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private boolean draining;

  private Exchange current;
  private boolean head;
  private boolean requestDone;
  private boolean responseDone;
  private boolean responseStarted;
  private boolean informational;
  private boolean closeAfterResponse;
  /** The body of a request we answered ourselves: dropped. */
  private boolean discarding;
  /** An allowed request head waiting for the upstream connection. */
  private HttpRequest pendingHead;

  private Channel upstream;
  private boolean connecting;
  private boolean upgraded;
  private boolean closed;

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
  }

  /** The client-side handlers, after {@code after} in the pipeline of {@code ctx}. */
  static void install(
      ChannelHandlerContext ctx, String after, SslHandler ssl, ProxyOptions o, Interceptor i) {
    HttpDecoderConfig config =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(o.maxRequestLine())
            .setMaxHeaderSize(o.maxHeaderBytes());
    ctx.pipeline()
        .addAfter(after, TLS, ssl)
        .addAfter(TLS, HTTP, new HttpServerCodec(config))
        .addAfter(HTTP, NAME, i);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  // ---- from the client ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgraded) {
      if (upstream != null && msg instanceof ByteBuf) {
        upstream.writeAndFlush(msg, upstream.voidPromise());
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (!(msg instanceof HttpObject o) || closed) {
      ReferenceCountUtil.release(msg);
      return;
    }
    inbox.add(o);
    if (inbox.size() > MAX_WAITING) {
      ctx.close();
      return;
    }
    drain();
  }

  /** Handles what arrived, in order, as far as the state allows; re-entrant calls do nothing. */
  private void drain() {
    if (draining) {
      return;
    }
    draining = true;
    try {
      while (!inbox.isEmpty() && !closed) {
        HttpObject m = inbox.peek();
        if (m instanceof HttpRequest request) {
          if (current != null) {
            break; // the previous exchange is still running
          }
          inbox.poll();
          begin(request);
        } else if (discarding || upstream != null) {
          inbox.poll();
          body((HttpContent) m);
        } else {
          break; // waiting for the upstream connection
        }
      }
      if (upstream != null) {
        upstream.flush();
      }
    } finally {
      draining = false;
    }
    updateAutoRead();
  }

  private void begin(HttpRequest request) {
    Exchange x =
        new Exchange(
            shared.clock,
            shared.events,
            shared.settings.nodeName(),
            tunnel.clientIp(),
            request.method().name(),
            false);
    x.intercepted();
    x.who(tunnel.user(), role);
    x.addBytesIn(HttpSizes.head(request));
    current = x;
    head = HttpMethod.HEAD.equals(request.method());
    requestDone = request instanceof LastHttpContent;
    responseDone = false;
    responseStarted = false;
    informational = false;
    closeAfterResponse = false;
    if (request.decoderResult().isFailure()) {
      ReferenceCountUtil.release(request);
      x.rawUrl(request.uri());
      x.proxyDecision("proxy.bad-request", "malformed request inside the TLS tunnel");
      closeAfterResponse = true;
      discarding = true;
      answer(text(HttpResponseStatus.BAD_REQUEST, "webfilter: bad request\n"));
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
    if (upstream != null) {
      upstream.write(request, upstream.voidPromise());
    } else {
      pendingHead = request;
      if (!connecting) {
        connect();
      }
    }
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

  private void body(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    if (current != null) {
      current.addBytesIn(c.content().readableBytes());
    }
    if (discarding || upstream == null) {
      c.release();
    } else {
      upstream.write(c, upstream.voidPromise());
    }
    if (last) {
      discarding = false;
      requestDone = true;
      maybeDone();
    }
  }

  // ---- our own answers ----

  private FullHttpResponse text(HttpResponseStatus status, String body) {
    return Responses.of(status, Responses.TEXT, body, head);
  }

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

  /** Sends a response of ours for the current request. */
  private void answer(FullHttpResponse r) {
    current.status(r.status().code());
    current.addBytesOut(HttpSizes.head(r) + r.content().readableBytes());
    responseStarted = true;
    responseDone = true;
    if (closeAfterResponse) {
      HttpUtil.setKeepAlive(r, false);
      closed = true;
      current.finish();
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(r, ctx.voidPromise());
    maybeDone();
  }

  private void maybeDone() {
    if (current == null || !requestDone || !responseDone) {
      return;
    }
    current.finish();
    current = null;
    if (closeAfterResponse) {
      closed = true;
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void updateAutoRead() {
    if (closed || upgraded) {
      return;
    }
    boolean waiting = current != null && (pendingHead != null || (!discarding && upstream == null));
    boolean busy = current != null && requestDone; // keep later requests in the socket meanwhile
    boolean read = !waiting && !busy && (upstream == null || upstream.isWritable());
    ctx.channel().config().setAutoRead(read);
  }

  // ---- the upstream connection ----

  /** Name lookups may block: they run on the resolver pool, never on the event loop. */
  private void connect() {
    connecting = true;
    try {
      shared.resolver.execute(
          () -> {
            InetSocketAddress address;
            try {
              address = shared.guard.resolve(connectHost, port);
            } catch (UnknownHostException | RuntimeException e) {
              ctx.executor().execute(() -> upstreamFailed(null, e));
              return;
            }
            ctx.executor().execute(() -> open(address));
          });
    } catch (RejectedExecutionException e) {
      upstreamFailed(null, e); // shutting down
    }
  }

  private void open(InetSocketAddress address) {
    if (closed) {
      connecting = false;
      return;
    }
    Interception tls = shared.interception;
    new Bootstrap()
        .group(ctx.channel().eventLoop()) // one loop for both sides
        .channel(Transport.socketChannel())
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) shared.options.connectTimeout().toMillis())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast("tls", tls.upstream.newHandler(ch.alloc(), host, port))
                    .addLast(
                        "http",
                        new HttpClientCodec(
                            new HttpDecoderConfig()
                                .setMaxInitialLineLength(16384)
                                .setMaxHeaderSize(65536),
                            false,
                            false))
                    .addLast("relay", new Upstream());
              }
            })
        .connect(address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    upstreamFailed(f.channel(), f.cause());
                  } else if (closed) {
                    f.channel().close();
                  }
                });
  }

  /** The TLS handshake with the server succeeded: send what waits. */
  private void upstreamReady(Channel ch) {
    connecting = false;
    if (closed) {
      ch.close();
      return;
    }
    upstream = ch;
    if (pendingHead != null) {
      HttpRequest r = pendingHead;
      pendingHead = null;
      ch.write(r, ch.voidPromise());
    }
    drain();
  }

  private void upstreamFailed(Channel ch, Throwable cause) {
    if (ch != null && ch != upstream && !connecting) {
      return; // an old connection
    }
    connecting = false;
    if (ch != null) {
      ch.close();
    }
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

  private void fromUpstream(Object msg) {
    if (upgraded) {
      if (msg instanceof ByteBuf) {
        ctx.write(msg, ctx.voidPromise());
      } else {
        ReferenceCountUtil.release(msg); // the codec's end marker of the 101
      }
      return;
    }
    if (!(msg instanceof HttpObject m) || current == null || responseDone || closed) {
      ReferenceCountUtil.release(msg); // nothing asked for it
      return;
    }
    if (m.decoderResult().isFailure()) {
      ReferenceCountUtil.release(m);
      upstream.close();
      if (!responseStarted) {
        answer(text(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site answered badly\n"));
      } else {
        ctx.close();
      }
      return;
    }
    if (m instanceof HttpResponse r) {
      int code = r.status().code();
      informational = code >= 100 && code < 200 && code != 101;
      if (!informational) {
        responseStarted = true;
        current.status(code);
      }
      current.addBytesOut(HttpSizes.head(r));
      HopByHop.stripConnectionListed(r.headers());
      if (code == 101) {
        switchProtocols(r);
        return;
      }
      if (!informational
          && !head
          && code != 204
          && code != 304
          && !HttpUtil.isContentLengthSet(r)
          && !HttpUtil.isTransferEncodingChunked(r)) {
        closeAfterResponse = true; // the body ends when the server closes: so must ours
        HttpUtil.setKeepAlive(r, false);
      }
    }
    if (m instanceof HttpContent c) {
      current.addBytesOut(c.content().readableBytes());
    }
    ctx.write(m, ctx.voidPromise());
    if (m instanceof LastHttpContent) {
      ctx.flush();
      if (informational) {
        informational = false;
      } else {
        responseDone = true;
        maybeDone();
        drain();
      }
    }
  }

  /** 101: the rest is not HTTP; both codecs step aside and bytes are relayed as they are. */
  private void switchProtocols(HttpResponse r) {
    upgraded = true;
    responseDone = true;
    requestDone = true;
    current.finish(); // a WebSocket: the rest is frames, not a response
    current = null;
    inbox.forEach(ReferenceCountUtil::release);
    inbox.clear();
    ((HttpClientCodec) upstream.pipeline().get("http")).prepareUpgradeFrom(null);
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

  private void upstreamClosed(Channel ch) {
    if (ch != upstream) {
      return;
    }
    upstream = null;
    if (upgraded || (current != null && responseStarted && !responseDone)) {
      // what was relayed is all there is: close once it has reached the client
      closed = true;
      ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
          .addListener(ChannelFutureListener.CLOSE);
    } else if (current != null && !responseDone) {
      discarding = !requestDone;
      answer(text(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site closed the connection\n"));
      drain();
    } else {
      updateAutoRead();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
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
    closed = true;
    inbox.forEach(ReferenceCountUtil::release);
    inbox.clear();
    if (pendingHead != null) {
      ReferenceCountUtil.release(pendingHead);
      pendingHead = null;
    }
    if (upstream != null) {
      upstream.close();
    }
    if (current != null) {
      current.finish(); // status stays 0 when no response was sent
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("intercepted tunnel to {} failed: {}", host, cause.toString());
    ctx.close();
  }

  /** The upstream side, on the client's event loop. */
  private final class Upstream extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext uctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent e) {
        if (e.isSuccess()) {
          upstreamReady(uctx.channel());
        } else {
          upstreamFailed(uctx.channel(), e.cause());
        }
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext uctx, Object msg) {
      fromUpstream(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext uctx) {
      ctx.flush();
      if (!ctx.channel().isWritable()) {
        uctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext uctx) {
      updateAutoRead();
    }

    @Override
    public void channelInactive(ChannelHandlerContext uctx) {
      if (connecting) {
        upstreamFailed(uctx.channel(), new java.io.IOException("closed during the TLS handshake"));
      } else {
        upstreamClosed(uctx.channel());
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext uctx, Throwable cause) {
      LOG.debug("upstream {}:{}: {}", host, port, cause.toString());
      uctx.close();
    }
  }
}
