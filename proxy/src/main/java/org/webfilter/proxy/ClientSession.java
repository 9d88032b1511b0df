package org.webfilter.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
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
 *       relay.
 * </ol>
 *
 * One request is in flight at a time; pipelined requests wait in order. A client's {@code
 * Connection: close} (or an HTTP/1.0 request without keep-alive) closes the connection after its
 * response (RFC 9112 §9.6). Everything runs on the client's event loop; every message is passed on
 * or released.
 */
final class ClientSession extends ChannelInboundHandlerAdapter implements UpstreamPool.Owner {
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);
  static final String NAME = "webfilter-session";
  /** Our client-side idle handler; a {@link Tunnel} replaces it with its own. */
  static final String IDLE = "idle";
  /** More requests than this waiting behind the one in flight: the client is abusive. */
  private static final int MAX_WAITING = 64;
  private static final HttpResponseStatus CONNECTION_ESTABLISHED =
      new HttpResponseStatus(200, "Connection established");

  private final ProxyContext shared;
  private final UpstreamPool pool;
  private final String via;
  private final ArrayDeque<HttpObject> inbox = new ArrayDeque<>();
  private ChannelHandlerContext ctx;
  private String clientIp;
  private boolean draining;

  // ---- the request in progress ----
  private Exchange current;
  private HttpVersion version;
  private boolean head;
  private boolean requestDone;
  private boolean responseDone;
  private boolean responseStarted;
  private boolean informational;
  /** Close the client connection once this response is out. */
  private boolean closeAfterResponse;
  /** The body of a request we answered ourselves: dropped. */
  private boolean discarding;
  /** An allowed request head waiting for its upstream connection. */
  private HttpRequest pendingHead;
  /**
   * The head of a bodyless request sent on a pooled connection, for a second try should that
   * connection turn out to be closed (written heads stay intact; the copy is made only then).
   */
  private HttpRequest retry;
  private RequestGate.Forward forward;
  /** The upstream connection may serve another request after this response. */
  private boolean reusable;

  private UpstreamPool.Connection upstream;
  private boolean connecting;
  private boolean upgraded;
  private boolean tunnelled;
  private boolean closed;

  ClientSession(ProxyContext shared, UpstreamPool pool) {
    this.shared = shared;
    this.pool = pool;
    this.via = "1.1 " + shared.viaName;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** The client's address as events show it; the same for every request of the connection. */
  private String clientIp() {
    if (clientIp == null) {
      clientIp = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress().getHostAddress();
    }
    return clientIp;
  }

  // ---- from the client ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpObject o) || closed || upgraded) {
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
        } else if (current == null) {
          inbox.poll();
          ReferenceCountUtil.release(m); // the end marker of a CONNECT, or of a refused request
        } else if (discarding || upstream != null) {
          inbox.poll();
          body((HttpContent) m);
        } else {
          break; // waiting for the upstream connection
        }
      }
      if (upstream != null) {
        upstream.channel().flush();
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
            clientIp(),
            request.method().name(),
            HttpMethod.CONNECT.equals(request.method()));
    x.addBytesIn(HttpSizes.head(request));
    current = x;
    version = request.protocolVersion();
    head = HttpMethod.HEAD.equals(request.method());
    requestDone = request instanceof LastHttpContent;
    responseDone = false;
    responseStarted = false;
    informational = false;
    closeAfterResponse = !x.isConnect() && !HttpUtil.isKeepAlive(request);
    discarding = false;
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
    String key = f.connectHost() + ":" + f.port();
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

  private static boolean hasBody(HttpRequest r) {
    return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
  }

  /** A complete copy of a bodyless request, for a second try. */
  private static HttpRequest copyOf(HttpRequest r) {
    return new DefaultFullHttpRequest(
        r.protocolVersion(), r.method(), r.uri(), Unpooled.EMPTY_BUFFER, r.headers().copy(),
        EmptyHttpHeaders.INSTANCE);
  }

  private void body(HttpContent c) {
    boolean last = c instanceof LastHttpContent;
    current.addBytesIn(c.content().readableBytes());
    if (discarding || upstream == null) {
      c.release();
    } else {
      upstream.channel().write(c, upstream.channel().voidPromise());
    }
    if (last) {
      discarding = false;
      requestDone = true;
      maybeDone();
    }
  }

  // ---- our own answers ----

  /** Sends a response of ours for the current request. */
  private void answer(FullHttpResponse r) {
    current.status(r.status().code());
    responseStarted = true;
    responseDone = true;
    if (closeAfterResponse) {
      HttpUtil.setKeepAlive(r, false);
    }
    current.addBytesOut(HttpSizes.head(r) + r.content().readableBytes());
    if (closeAfterResponse && !requestDone) {
      // no need to read the rest of a request we will not serve
      closed = true;
      current.finish();
      current = null;
      ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(r, ctx.voidPromise());
    maybeDone();
  }

  private void gatewayError(HttpResponseStatus status, String text) {
    answer(Responses.of(status, Responses.TEXT, text, head));
  }

  /** Finishes the exchange once both the request and the response are complete. */
  private void maybeDone() {
    if (current == null || !requestDone || !responseDone) {
      return;
    }
    current.finish();
    current = null;
    if (closeAfterResponse) {
      closed = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void updateAutoRead() {
    if (closed || upgraded || tunnelled) {
      return;
    }
    boolean waiting = current != null && (pendingHead != null || (!discarding && upstream == null));
    boolean busy = current != null && requestDone; // keep later requests in the socket meanwhile
    boolean read =
        !waiting && !busy && (upstream == null || upstream.channel().isWritable());
    ctx.channel().config().setAutoRead(read);
  }

  // ---- the upstream connection ----

  /** Name lookups may block: they run on the resolver pool, never on the event loop. */
  private void connect(String key) {
    connecting = true;
    RequestGate.Forward f = forward;
    try {
      shared.resolver.execute(
          () -> {
            InetSocketAddress address;
            try {
              address = shared.guard.resolve(f.connectHost(), f.port());
            } catch (UnknownHostException | RuntimeException e) {
              LOG.debug("{} not resolved: {}", f.connectHost(), e.toString());
              ctx.executor().execute(() -> connectFailed(null));
              return;
            }
            ctx.executor().execute(() -> open(key, address));
          });
    } catch (RejectedExecutionException e) {
      connectFailed(null); // shutting down
    }
  }

  private void open(String key, InetSocketAddress address) {
    if (closed) {
      connecting = false;
      return;
    }
    UpstreamPool.Connection c = pool.connection(key, this);
    long idle = shared.options.idleTimeout().toMillis();
    new Bootstrap()
        .group(ctx.channel().eventLoop()) // one loop for both sides: no cross-thread hand-offs
        .channel(Transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) shared.options.connectTimeout().toMillis())
        .handler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel ch) {
                ch.pipeline()
                    .addLast("idle", new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                    .addLast(
                        "http",
                        new HttpClientCodec(
                            new HttpDecoderConfig()
                                .setMaxInitialLineLength(16384)
                                .setMaxHeaderSize(65536),
                            false,
                            false))
                    .addLast("relay", c);
              }
            })
        .connect(address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    connectFailed(c);
                  } else {
                    connected(c);
                  }
                });
  }

  private void connected(UpstreamPool.Connection c) {
    connecting = false;
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

  private void connectFailed(UpstreamPool.Connection c) {
    connecting = false;
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
    if (upgraded) {
      // bytes; or, when the codec took them for a body of the 101 (an old WebSocket handshake
      // without Sec-WebSocket-Accept), its content parts
      ByteBuf bytes = msg instanceof HttpContent part ? part.content() : msg instanceof ByteBuf b ? b : null;
      if (bytes != null && bytes.isReadable()) {
        ctx.pipeline().firstContext().write(msg instanceof HttpContent ? bytes : msg, ctx.voidPromise());
      } else {
        ReferenceCountUtil.release(msg);
      }
      return;
    }
    if (!(msg instanceof HttpObject m) || current == null || responseDone || closed) {
      ReferenceCountUtil.release(msg); // nothing asked for it
      reusable = false;
      c.channel().close();
      return;
    }
    retry = null; // the origin answered: this connection was alive
    if (m.decoderResult().isFailure()) {
      ReferenceCountUtil.release(m);
      reusable = false;
      c.channel().close();
      if (!responseStarted) {
        gatewayError(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site answered badly\n");
        drain();
      } else {
        ctx.close();
      }
      return;
    }
    if (m instanceof HttpResponse r) {
      responseHead(r);
      if (r.status().code() == 101) {
        switchProtocols(r);
        return;
      }
    }
    if (m instanceof HttpContent content) {
      current.addBytesOut(content.content().readableBytes());
    }
    ctx.write(m, ctx.voidPromise());
    if (m instanceof LastHttpContent) {
      ctx.flush();
      if (informational) {
        informational = false;
      } else {
        responseComplete();
      }
    }
  }

  private void responseHead(HttpResponse r) {
    int code = r.status().code();
    informational = code >= 100 && code < 200 && code != 101;
    if (!informational) {
      responseStarted = true;
      current.status(code);
    }
    boolean framed =
        head
            || code == 101
            || code == 204
            || code == 304
            || informational
            || HttpUtil.isContentLengthSet(r)
            || HttpUtil.isTransferEncodingChunked(r);
    reusable &= framed && HttpUtil.isKeepAlive(r);
    if (!framed) {
      closeAfterResponse = true; // the body ends when the server closes: so must ours
    }
    HopByHop.strip(r.headers());
    r.headers().add(HttpHeaderNames.VIA, via);
    if (closeAfterResponse && !informational) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!version.isKeepAliveDefault() && !informational) {
      r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE); // HTTP/1.0 asked
    }
    current.addBytesOut(HttpSizes.head(r));
  }

  /** The last part of the response went to the client: the upstream connection is free. */
  private void responseComplete() {
    responseDone = true;
    UpstreamPool.Connection c = upstream;
    upstream = null;
    if (reusable && requestDone && !closed) {
      pool.give(c);
    } else {
      c.channel().close();
    }
    maybeDone();
    drain();
  }

  /** 101: the rest is not HTTP; both sides relay bytes as they come. */
  private void switchProtocols(HttpResponse r) {
    upgraded = true;
    responseDone = true;
    requestDone = true;
    current.finish(); // a WebSocket: the rest is frames, not a response
    current = null;
    inbox.forEach(ReferenceCountUtil::release);
    inbox.clear();
    Channel up = upstream.channel();
    ((HttpClientCodec) up.pipeline().get("http")).prepareUpgradeFrom(null);
    ctx.writeAndFlush(r);
    // ahead of every client handler: the decoder and the head timer must not see the frames
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
  public void upstreamReadComplete(UpstreamPool.Connection c) {
    if (c != upstream) {
      return;
    }
    ctx.flush();
    if (!ctx.channel().isWritable()) {
      c.channel().config().setAutoRead(false);
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
    reusable = false;
    upstream = null;
    c.channel().close();
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
    if (upgraded || (current != null && responseStarted && !responseDone)) {
      // what was relayed is all there is: close once it has reached the client
      closed = true;
      ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    } else if (current != null && !responseDone) {
      discarding = !requestDone;
      gatewayError(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site closed the connection\n");
      drain();
    } else {
      updateAutoRead();
    }
  }

  // ---- the client connection ----

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.channel().flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.channel().config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent && current == null) {
      ctx.close(); // a keep-alive connection nobody uses; a slow origin is the upstream's timeout
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
      upstream.channel().close(); // mid-response: it cannot serve anyone else
      upstream = null;
    }
    if (current != null) {
      current.finish(); // status stays 0 when no response was sent
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("client connection failed: {}", cause.toString());
    ctx.close();
  }
}
