package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests of one client connection, the last handler of its pipeline (behind the decoder,
 * {@link ClientGuard}'s checks and the {@link LoginGate}). For each request, in order:
 *
 * <ol>
 *   <li>an {@link Exchange} records it and {@link RequestGate} decides it from the head;
 *   <li>our own answers (block page, 407, PAC file, ...) are written here, and the request's body,
 *       if any, is dropped; an allowed CONNECT becomes a {@link Tunnel};
 *   <li>an allowed request goes to the origin over a keep-alive connection from the {@link
 *       UpstreamPool}, or a new one (name resolved off the event loop through {@link
 *       DestinationGuard}, connected on this client's event loop). It leaves without hop-by-hop
 *       headers, with our {@code Via}, in origin form, its body streamed chunk by chunk;
 *   <li>the response streams back the same way, with back-pressure both ways; the event is
 *       published when it is complete. The connection then returns to the pool when both ends
 *       allow it. A {@code 101 Switching Protocols} (WebSocket) turns both connections into a byte
 *       relay; what the client sent after its handshake waited undecoded (see {@link HttpRelay})
 *       and goes first. The origin may switch only when asked, and after the whole request: any
 *       other 101 is a 502.
 * </ol>
 *
 * One request is in flight at a time; pipelined requests wait in order. A client's {@code
 * Connection: close} (or an HTTP/1.0 request without keep-alive) closes the connection after its
 * response (RFC 9112 §9.6). Everything runs on the client's event loop; every message is passed on
 * or released.
 */
final class ClientSession extends HttpRelay implements UpstreamPool.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  static final String NAME = "webfilter-session";
  /** Our client-side idle handler; a {@link Tunnel} replaces it with its own. */
  static final String IDLE = "idle";
  private static final HttpResponseStatus CONNECTION_ESTABLISHED =
      new HttpResponseStatus(200, "Connection established");

  private final ProxyContext shared;
  private final UpstreamPool pool;
  private final String via;
  private String clientIp;
  /** The client's HTTP version for the request in progress. */
  private HttpVersion version;
  /**
   * The head of a bodyless request sent on a pooled connection, for a second try should that
   * connection turn out to be closed (written heads stay intact; the copy is made only then).
   */
  private HttpRequest retry;
  private RequestGate.Forward forward;
  /** The upstream connection may serve another request after this response. */
  private boolean reusable;
  private UpstreamPool.Connection upstream;
  private boolean tunnelled;

  ClientSession(ProxyContext shared) {
    this.shared = shared;
    this.pool = shared.pool;
    this.via = "1.1 " + shared.viaName;
  }

  /** The client's address as events show it; the same for every request of the connection. */
  private String clientIp() {
    if (clientIp == null) {
      clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    }
    return clientIp;
  }

  @Override
  Channel upstream() {
    return upstream == null ? null : upstream.channel();
  }

  @Override
  boolean handedOver() {
    return tunnelled;
  }

  @Override
  void begin(HttpRequest request) {
    Exchange x =
        shared.exchange(clientIp(), request.method().name(), HttpMethod.CONNECT.equals(request.method()));
    start(request, x);
    version = request.protocolVersion();
    closeAfterResponse = !x.isConnect() && !HttpUtil.isKeepAlive(request);
    retry = null;
    RequestGate.Outcome outcome = RequestGate.decide(shared, ctx, request, x);
    if (outcome instanceof RequestGate.Forward f) {
      forward(request, f);
      return;
    }
    ReferenceCountUtil.release(request);
    if (outcome instanceof RequestGate.Answer a) {
      discarding = !requestDone;
      closeAfterResponse |= a.close();
      answer(a.response());
    } else {
      tunnel();
    }
  }

  /** The {@link Tunnel} has the connection now: confirm it; the tunnel reports its own event. */
  private void tunnel() {
    tunnelled = true;
    FullHttpResponse ok =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, CONNECTION_ESTABLISHED);
    current.addBytesOut(HttpSizes.head(ok));
    current = null;
    ctx.writeAndFlush(ok, ctx.voidPromise());
  }

  private void forward(HttpRequest request, RequestGate.Forward f) {
    forward = f;
    prepare(request, f);
    // HTTP/1.0 has no chunked framing, so such a request and its response use their own connection
    reusable = request.protocolVersion().isKeepAliveDefault();
    UpstreamKey key = UpstreamKey.plain(f.connectHost(), f.port());
    // A pooled connection may have been closed by the origin just now. A bodyless request is then
    // sent again on a new one; a body cannot be, so a request with one (a form, an upload) always
    // gets a new connection rather than risk a 502.
    boolean bodyless = requestDone || !hasBody(request);
    UpstreamPool.Connection c = reusable && bodyless ? pool.take(key, this) : null;
    if (c == null) {
      pendingHead = request;
      connect(key);
      return;
    }
    retry = request;
    upstream = c;
    c.channel().config().setAutoRead(true);
    c.channel().write(request, c.channel().voidPromise());
  }

  /** Makes the request fit for the upstream hop. */
  private void prepare(HttpRequest request, RequestGate.Forward f) {
    var h = request.headers();
    HopByHop.strip(h);
    // RFC 9112 §3.2.2: the target URI's authority replaces any Host the client sent; otherwise a
    // shared host (CDN) would serve the site named in Host, not the one we allowed
    h.set(HttpHeaderNames.HOST, f.authority());
    h.add(HttpHeaderNames.VIA, via);
    request.setUri(f.originForm());
  }

  private void gatewayError(HttpResponseStatus status, String text) {
    answer(text(status, text));
  }

  // ---- the upstream connection ----

  private void connect(UpstreamKey key) {
    Upstreams.resolve(
        shared,
        ctx,
        forward.connectHost(),
        forward.port(),
        address -> open(key, address),
        e -> {
          LOG.debug("{} not resolved: {}", forward.connectHost(), e.toString());
          connectFailed();
        });
  }

  private void open(UpstreamKey key, InetSocketAddress address) {
    if (closed) {
      return;
    }
    UpstreamPool.Connection c = pool.connection(key, this);
    long idle = shared.options.limits().idleTimeout().toMillis();
    Upstreams.bootstrap(shared, ctx)
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                    .addLast("http", Upstreams.httpCodec())
                    .addLast("relay", c);
              }
            })
        .connect(address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    connectFailed();
                  } else {
                    connected(c);
                  }
                });
  }

  private void connected(UpstreamPool.Connection c) {
    if (closed || pendingHead == null) {
      c.channel().close();
      return;
    }
    upstream = c;
    HttpRequest r = pendingHead;
    pendingHead = null;
    c.channel().write(r, c.channel().voidPromise());
    drain();
  }

  private void connectFailed() {
    if (closed || pendingHead == null) {
      return;
    }
    LOG.debug("{}:{} not reachable", forward.connectHost(), forward.port());
    ReferenceCountUtil.release(pendingHead);
    pendingHead = null;
    discarding = !requestDone;
    gatewayError(HttpResponseStatus.BAD_GATEWAY, "webfilter: cannot reach this web site\n");
    drain();
  }

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
  void upstreamBytesAfterUpgrade(Object msg) {
    ByteBuf bytes = upgradedBytes(msg);
    if (bytes != null) {
      ctx.pipeline().firstContext().write(bytes, ctx.voidPromise());
    }
  }

  @Override
  void responseHead(HttpResponse r) {
    boolean framed = framed(r);
    reusable &= framed && HttpUtil.isKeepAlive(r);
    if (!framed) {
      closeAfterResponse = true; // the body ends when the server closes: so must ours
    }
    HopByHop.strip(r.headers());
    r.headers().add(HttpHeaderNames.VIA, via);
    if (r.status().code() == 101) {
      // Connection: upgrade stays, whatever the client said: the connection is the relay now
    } else if (closeAfterResponse && !informational) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!version.isKeepAliveDefault() && !informational) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE); // HTTP/1.0 asked
    }
    current.addBytesOut(HttpSizes.head(r));
  }

  @Override
  void responseComplete() {
    UpstreamPool.Connection c = upstream;
    upstream = null;
    if (reusable && requestDone && !closed) {
      pool.give(c);
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

  @Override
  void switchProtocols(HttpResponse r) {
    Channel up = upstream.channel();
    ((HttpClientCodec) up.pipeline().get("http")).prepareUpgradeFrom(null);
    ctx.writeAndFlush(r);
    // ahead of every client handler: the head timer and the HTTP handlers must not see the frames
    // (the decoder left at the end of the request, ClientGuard's HeadCheck)
    ctx.pipeline()
        .addFirst(
            "webfilter-upgraded",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext c, Object msg) {
                up.write(msg, up.voidPromise());
              }

              @Override
              public void channelReadComplete(ChannelHandlerContext c) {
                up.flush();
              }
            });
    ctx.channel().config().setAutoRead(true);
  }

  @Override
  void clientBytesAfterUpgrade(Object msg) {
    Channel up = upstream();
    if (up != null && msg instanceof ByteBuf) {
      up.write(msg, up.voidPromise()); // HttpRelay flushes
    } else {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  void decodeAgain(List<ByteBuf> held) {
    ClientGuard.decodeAgain(ctx.pipeline(), held);
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
      c.channel().close(); // a response that stalled half way: all we can do is close
      return;
    }
    dropUpstream();
    discarding = !requestDone;
    gatewayError(HttpResponseStatus.GATEWAY_TIMEOUT, "webfilter: the web site did not answer in time\n");
    drain();
  }

  @Override
  public void upstreamClosed(UpstreamPool.Connection c) {
    if (c != upstream) {
      return;
    }
    upstream = null;
    if (retry != null && requestDone && !closed && current != null && !responseStarted) {
      // a pooled connection the origin had closed: the request never arrived; send it again
      pendingHead = copyOf(retry);
      retry = null;
      connect(c.key);
      return;
    }
    upstreamGone();
  }

  // ---- the client connection ----

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && current == null) {
      ctx.close(); // a keep-alive connection nobody uses; a slow origin is the upstream's timeout
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("client connection failed: {}", cause.toString());
    BufferMemoryAlarm.check(cause);
    ctx.close();
  }
}
