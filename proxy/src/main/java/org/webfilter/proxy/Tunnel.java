package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Policy;
import org.webfilter.policy.Verdict;
import org.webfilter.policy.config.ProxyLimits;

/**
 * A CONNECT tunnel the proxy runs itself, so it can look at the first bytes before choosing (and
 * before even contacting) the destination.
 *
 * <p>Why the decision waits for the first bytes: the TLS ClientHello, and with it the server name
 * (SNI), only arrives after {@code 200 Connection established}. {@link RequestGate} decides the
 * CONNECT host and installs this handler at the head of the client pipeline (ahead of the HTTP
 * decoder, so no tunnel byte ever reaches it again), in place of the session's idle handler
 * (which would no longer see any traffic); the {@link ClientSession} answers 200. This handler
 * then:
 *
 * <ol>
 *   <li>collects the first bytes until {@link ClientHello#peek} can tell what they are (within
 *       {@link ProxyLimits#headerTimeout()});
 *   <li>decides again: on the server name when the CONNECT named an IP address; on both names,
 *       the stricter winning and the attempt flagged, when they differ (domain fronting);
 *       non-TLS traffic to port 443, and TLS without a name to a bare IP, are refused for
 *       restricted roles;
 *   <li>refuses with a TLS {@code access_denied} alert (or a plain-text 403 to a non-TLS client)
 *       and closes; or resolves the destination off the event loop (SafeSearch endpoints replace
 *       search engines for roles that have it), connects on the client's own event loop and
 *       forwards the bytes it held back, then relays both ways with back-pressure and no copies.
 * </ol>
 *
 * The access event is published once the outcome is known: 403, 200 (connected) or 502.
 *
 * <p>With TLS interception on for the role and a server name not on the do-not-decrypt list
 * ({@link TlsInterception}), step 3 instead decrypts the tunnel (see {@link #intercept}): this is
 * why the upstream connection waits for the ClientHello.
 */
final class Tunnel extends ChannelInboundHandlerAdapter {
  private static final Logger LOG = LoggerFactory.getLogger(Tunnel.class);
  static final String NAME = "webfilter-tunnel";
  private static final String IDLE = "webfilter-tunnel-idle";

  /** TLS 1.2-style record: fatal alert, access_denied (RFC 8446 §6.2). */
  private static final byte[] ACCESS_DENIED = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x31};

  private enum State {
    PEEKING,
    CONNECTING,
    RELAYING,
    /** Waiting for the leaf certificate of an intercepted tunnel. */
    INTERCEPTING,
    /** Intercepted: bytes go on to the TLS and HTTP handlers behind this one ({@link Interceptor}). */
    PASSING,
    CLOSED
  }

  private final ProxyContext shared;
  private final Exchange exchange;
  private final Policy policy;
  private final String role;
  private final Target connect;
  private final Decision connectDecision;

  private State state = State.PEEKING;
  private ChannelHandlerContext ctx;
  private ByteBuf held;
  private ScheduledFuture<?> peekTimer;
  private Channel upstream;

  private Tunnel(
      ProxyContext shared,
      Exchange exchange,
      Policy policy,
      String role,
      Target connect,
      Decision connectDecision) {
    this.shared = shared;
    this.exchange = exchange;
    this.policy = policy;
    this.role = role;
    this.connect = connect;
    this.connectDecision = connectDecision;
  }

  /** Takes the client connection over from the session; called before the 200 is written. */
  static void install(
      ChannelPipeline p,
      ProxyContext shared,
      Exchange exchange,
      Policy policy,
      String role,
      Target connect,
      Decision connectDecision) {
    if (p.get("idle") != null) {
      p.remove("idle"); // the session's: it would see no reads and close a busy tunnel
    }
    p.addFirst(NAME, new Tunnel(shared, exchange, policy, role, connect, connectDecision));
    long idle = shared.options.limits().idleTimeout().toMillis();
    p.addFirst(IDLE, new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS));
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    long ms = shared.options.limits().headerTimeout().toMillis();
    peekTimer = ctx.executor().schedule(this::peekTimedOut, ms, TimeUnit.MILLISECONDS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf buf)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    switch (state) {
      case RELAYING -> upstream.write(buf, upstream.voidPromise());
      case PASSING -> ctx.fireChannelRead(buf);
      case PEEKING -> {
        held = held == null ? buf : append(ctx, held, buf);
        ClientHello.Result r = ClientHello.peek(held);
        if (!(r instanceof ClientHello.NeedMore)) {
          peekTimer.cancel(false);
          decide(r);
        }
      }
      default -> buf.release(); // CONNECTING with auto-read off: a late read; CLOSED
    }
  }

  private static ByteBuf append(ChannelHandlerContext ctx, ByteBuf held, ByteBuf more) {
    if (held.isWritable(more.readableBytes())) {
      held.writeBytes(more);
      more.release();
      return held;
    }
    ByteBuf merged = ctx.alloc().buffer(held.readableBytes() + more.readableBytes() + 512);
    merged.writeBytes(held).writeBytes(more);
    held.release();
    more.release();
    return merged;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.PASSING) {
      ctx.fireChannelReadComplete();
    } else if (state == State.RELAYING) {
      upstream.flush();
      if (!upstream.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  private void peekTimedOut() {
    if (state != State.PEEKING) {
      return;
    }
    // nothing readable arrived in time: either a server-speaks-first protocol or a stalled client
    decide(new ClientHello.NotTls());
  }

  private void decide(ClientHello.Result first) {
    boolean restricted = shared.decider.restricts(role);
    boolean connectIsIp = Circumvention.isIpLiteral(connect.host());
    Decision d = connectDecision;
    String name = connect.host(); // what SafeSearch looks at
    String tlsName = first instanceof ClientHello.Hello ? connect.host() : null; // to intercept
    if (first instanceof ClientHello.Hello hello && hello.serverName() != null) {
      String sni = hello.serverName();
      Target sniTarget = new Target(sni, connect.port(), "");
      tlsName = sniTarget.host();
      Decision sniDecision =
          shared.decider.decide(policy, role, sniTarget, exchange.time, false);
      if (connectIsIp) {
        exchange.target(sniTarget); // the name is what the user visits
        d = stricter(connectDecision, sniDecision);
        name = sni;
      } else if (!sni.equals(connect.host())) {
        d = HostDecider.fronting(connectDecision, sniDecision, connect.host(), sni);
      }
    } else if (first instanceof ClientHello.Hello) {
      if (restricted && connectIsIp && !HostDecider.allowListed(connectDecision)) {
        d = HostDecider.ipLiteral(connectDecision, connect.host());
      }
    } else if (restricted && connect.port() == 443) {
      d =
          HostDecider.block(
              connectDecision,
              Circumvention.NON_TLS_RULE,
              "only TLS may pass through a tunnel to port 443",
              "circumvention: the tunnel did not start with a TLS ClientHello");
    } else if (restricted && connectIsIp && !HostDecider.allowListed(connectDecision)) {
      d = HostDecider.ipLiteral(connectDecision, connect.host());
    }
    exchange.policyDecision(d);
    if (d.blocked()) {
      refuse(first instanceof ClientHello.Hello, d);
      return;
    }
    String host = connect.host();
    if (shared.options.safeSearchRole().test(role)) {
      host = SafeSearch.endpointFor(name).orElse(host);
    }
    if (tlsName != null
        && shared.interception != null
        && shared.interception.intercepts(role, tlsName)) {
      intercept(tlsName, tlsName.equals(name) ? host : tlsName);
      return;
    }
    state = State.CONNECTING;
    ctx.channel().config().setAutoRead(false);
    resolveAndConnect(host, connect.port());
  }

  /**
   * Decrypts this tunnel: once the leaf certificate for {@code tlsName} is ready (made off the
   * event loop), a server {@link io.netty.handler.ssl.SslHandler}, an HTTP codec and an {@link
   * Interceptor} go in behind this handler, which from then on only passes bytes on, starting with
   * the ClientHello it held back.
   *
   * @param connectHost where the interceptor connects for {@code tlsName} (a SafeSearch endpoint
   *     may stand in)
   */
  private void intercept(String tlsName, String connectHost) {
    state = State.INTERCEPTING;
    ctx.channel().config().setAutoRead(false);
    exchange.intercepted();
    shared
        .interception
        .leaf(tlsName)
        .whenComplete(
            (leaf, err) -> {
              try {
                ctx.executor().execute(() -> startTls(tlsName, connectHost, err));
              } catch (RejectedExecutionException e) {
                // the event loop is shutting down: the channel goes with it
              }
            });
  }

  private void startTls(String tlsName, String connectHost, Throwable err) {
    if (state != State.INTERCEPTING) {
      return; // the client went away meanwhile
    }
    if (err != null) {
      LOG.warn("no certificate for {}: {}", tlsName, err.toString());
      failed();
      return;
    }
    Interceptor.install(
        ctx,
        NAME,
        shared.interception.newServerHandler(ctx.alloc(), tlsName, connect.port()),
        shared.options.limits(),
        new Interceptor(shared, exchange, role, tlsName, connect.port(), connectHost));
    state = State.PASSING;
    ByteBuf hello = held;
    held = null;
    exchange.status(200);
    exchange.addBytesIn(hello == null ? 0 : hello.readableBytes());
    exchange.finish(); // the tunnel's own event; each decrypted request has its own
    if (hello != null) {
      ctx.fireChannelRead(hello);
      ctx.fireChannelReadComplete();
    }
    ctx.channel().config().setAutoRead(true);
  }

  private static Decision stricter(Decision a, Decision b) {
    if (b.blocked() || a.verdict() == Verdict.ALLOW) {
      return b;
    }
    return b.verdict() == Verdict.LOG ? b : a;
  }

  private void refuse(boolean tls, Decision d) {
    state = State.CLOSED;
    release();
    exchange.status(403);
    String category = d.blockedCategory() == null ? "none" : d.blockedCategory();
    ByteBuf out;
    if (tls) {
      out = Unpooled.wrappedBuffer(ACCESS_DENIED);
    } else {
      String body = "webfilter: blocked (" + category + "), ref " + exchange.id + "\n";
      String head =
          "HTTP/1.1 403 Forbidden\r\nContent-Type: "
              + Responses.TEXT
              + "\r\n"
              + Responses.BLOCK_HEADER
              + ": "
              + category
              + "; rule="
              + d.rule()
              + "; ref="
              + exchange.id
              + "\r\nConnection: close\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n";
      out = Unpooled.copiedBuffer(head + body, StandardCharsets.ISO_8859_1);
    }
    exchange.addBytesOut(out.readableBytes());
    exchange.finish();
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }

  private void resolveAndConnect(String host, int port) {
    Upstreams.resolve(
        shared,
        ctx,
        host,
        port,
        this::open,
        e -> {
          LOG.debug("tunnel to {}:{} not resolved: {}", host, port, e.toString());
          failed();
        });
  }

  private void open(InetSocketAddress address) {
    if (state != State.CONNECTING) {
      return; // the client went away meanwhile
    }
    Channel client = ctx.channel();
    Upstreams.bootstrap(shared, ctx)
        .handler(new Upstream(ctx))
        .connect(address)
        .addListener(
            (ChannelFutureListener)
                f -> {
                  if (!f.isSuccess()) {
                    failed();
                    return;
                  }
                  if (state != State.CONNECTING) {
                    f.channel().close();
                    return;
                  }
                  upstream = f.channel();
                  state = State.RELAYING;
                  exchange.status(200);
                  if (held != null) {
                    exchange.addBytesIn(held.readableBytes());
                    upstream.writeAndFlush(held, upstream.voidPromise());
                    held = null;
                  }
                  exchange.finish();
                  client.config().setAutoRead(true);
                });
  }

  private void failed() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    release();
    exchange.status(502);
    exchange.finish();
    ctx.close();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
      return;
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    release();
    if (peekTimer != null) {
      peekTimer.cancel(false);
    }
    if (upstream != null) {
      upstream.close();
    }
    exchange.finish(); // status stays 0 if the client left before the outcome
    ctx.fireChannelInactive(); // the session cleans up its side
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("tunnel client error: {}", cause.toString());
    BufferMemoryAlarm.check(cause);
    ctx.close();
  }

  private void release() {
    if (held != null) {
      held.release();
      held = null;
    }
  }

  /** The upstream side: relays to the client through the tunnel's context, skipping the codecs. */
  private static final class Upstream extends ChannelInboundHandlerAdapter {
    private final ChannelHandlerContext client;

    Upstream(ChannelHandlerContext client) {
      this.client = client;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      client.write(msg, client.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      client.flush();
      if (!client.channel().isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      client.channel().config().setAutoRead(ctx.channel().isWritable());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // close only after what the server sent has reached the client
      client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      BufferMemoryAlarm.check(cause);
      ctx.close();
    }
  }
}
