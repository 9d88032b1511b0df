package org.webfilter.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.OptionalSslHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 keep-alive origin on Netty that counts the TCP connections it accepts and how many
 * are still open, so a test can see upstream reuse from the origin's side. With an {@link
 * SslContext} it speaks TLS or plain HTTP on the same port (whichever the client starts with).
 *
 * <p>Each answer is {@code 200 "<path> tls=<true|false> conn=<n>"}, {@code n} numbering the
 * connection. {@code /drop-next} answers, then closes the connection when the next request
 * arrives on it, unanswered (an origin closing an idle connection just as the proxy reuses it);
 * {@code /close-now} answers and closes at once, without saying so (an origin that times idle
 * connections out quickly). {@code /ws} answers {@code 101 Switching Protocols} (its {@code
 * X-Connection} header numbering the connection) and then echoes every byte; {@code /ws-greet}
 * and {@code /ws-greet-old} too, but send {@value #GREETING} in the same write as the 101 head,
 * the second without {@code Sec-WebSocket-Accept} (an old WebSocket handshake). {@code
 * /status-<code>} answers with that status. A path under {@code /late} is answered as the rest of
 * the path would be, {@value #LATE_MILLIS} ms late ({@code /late/ws}: a 101 that takes its time),
 * or under {@code /late<n>} {@code n} ms late.
 * {@code /ws-before-body} answers 101 as soon as the request head is in, before its body (and
 * then reads nothing more). {@link #seen} lists what reached it.
 */
final class CountingOrigin implements AutoCloseable {
  private static final AttributeKey<Integer> NUMBER = AttributeKey.valueOf("connection-number");
  private static final AttributeKey<Boolean> DROP_NEXT = AttributeKey.valueOf("drop-next");

  static final String GREETING = "hello";
  static final long LATE_MILLIS = 200;
  private static final Pattern LATE = Pattern.compile("/late(\\d*)(/.*)");

  final AtomicInteger accepted = new AtomicInteger();
  /** Requests that reached this origin. */
  final AtomicInteger requests = new AtomicInteger();
  /** Each request that reached it: {@code "METHOD uri"}, then {@code " body=<body>"} if any. */
  final Queue<String> seen = new ConcurrentLinkedQueue<>();
  private final ConcurrentHashMap<Channel, Boolean> open = new ConcurrentHashMap<>();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final Channel server;

  CountingOrigin(SslContext tls) {
    server =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.attr(NUMBER).set(accepted.incrementAndGet());
                    open.put(ch, true);
                    ch.closeFuture().addListener(f -> open.remove(ch));
                    if (tls != null) {
                      ch.pipeline().addLast(new OptionalSslHandler(tls));
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new SwitchBeforeBody())
                        .addLast(new HttpObjectAggregator(1 << 20))
                        .addLast(new Answer());
                  }
                })
            .bind("127.0.0.1", 0)
            .syncUninterruptibly()
            .channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** Connections accepted and not yet closed by either side. */
  int open() {
    return open.size();
  }

  private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      requests.incrementAndGet();
      String body = req.content().toString(StandardCharsets.UTF_8);
      seen.add(req.method() + " " + req.uri() + (body.isEmpty() ? "" : " body=" + body));
      Channel ch = ctx.channel();
      if (Boolean.TRUE.equals(ch.attr(DROP_NEXT).get())) {
        ctx.close();
        return;
      }
      String path = req.uri();
      Matcher late = LATE.matcher(path);
      if (late.matches()) {
        long millis = late.group(1).isEmpty() ? LATE_MILLIS : Long.parseLong(late.group(1));
        ctx.executor().schedule(() -> answer(ctx, late.group(2)), millis, TimeUnit.MILLISECONDS);
        return;
      }
      answer(ctx, path);
    }

    private void answer(ChannelHandlerContext ctx, String path) {
      Channel ch = ctx.channel();
      if (path.startsWith("/ws")) {
        upgrade(ctx, path);
        return;
      }
      boolean tls = ch.pipeline().get(SslHandler.class) != null;
      ByteBuf body =
          Unpooled.copiedBuffer(
              path + " tls=" + tls + " conn=" + ch.attr(NUMBER).get(), StandardCharsets.UTF_8);
      HttpResponseStatus status =
          path.startsWith("/status-")
              ? HttpResponseStatus.valueOf(Integer.parseInt(path.substring(8, 11)))
              : HttpResponseStatus.OK;
      FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
      r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      ch.attr(DROP_NEXT).set(path.equals("/drop-next"));
      if (path.equals("/close-now")) {
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
      } else {
        ctx.writeAndFlush(r);
      }
    }
  }

  /**
   * {@code /ws-before-body}: 101 as soon as the head is in, and nothing more is read as HTTP (an
   * origin switching before it has the request's body).
   */
  private final class SwitchBeforeBody extends ChannelInboundHandlerAdapter {
    private boolean switched;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!switched && msg instanceof HttpRequest r && r.uri().equals("/ws-before-body")) {
        switched = true;
        requests.incrementAndGet();
        seen.add(r.method() + " " + r.uri());
        FullHttpResponse s =
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        s.headers()
            .set(HttpHeaderNames.CONNECTION, "Upgrade")
            .set(HttpHeaderNames.UPGRADE, "websocket");
        ctx.writeAndFlush(s);
      }
      if (switched) {
        ReferenceCountUtil.release(msg);
      } else {
        ctx.fireChannelRead(msg);
      }
    }
  }

  /** Answers 101, then the connection is an echo: HTTP handlers out, bytes back as they come. */
  private static void upgrade(ChannelHandlerContext ctx, String path) {
    ChannelPipeline p = ctx.pipeline();
    ChannelFuture written;
    if (path.startsWith("/ws-greet")) {
      String head =
          "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
              + (path.equals("/ws-greet-old") ? "" : "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
              + "X-Connection: " + ctx.channel().attr(NUMBER).get() + "\r\n\r\n";
      // one buffer, written past the HTTP encoder: the head and the first bytes arrive together
      written =
          p.context(HttpServerCodec.class)
              .writeAndFlush(Unpooled.copiedBuffer(head + GREETING, StandardCharsets.ISO_8859_1));
    } else {
      FullHttpResponse r =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
      r.headers()
          .set(HttpHeaderNames.CONNECTION, "Upgrade")
          .set(HttpHeaderNames.UPGRADE, "websocket")
          .set(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
          .set("X-Connection", ctx.channel().attr(NUMBER).get());
      written = ctx.writeAndFlush(r);
    }
    written
        .addListener(
            f -> {
              p.remove(HttpObjectAggregator.class);
              p.remove(HttpServerCodec.class);
              p.addLast(
                  new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext c, Object msg) {
                      c.writeAndFlush(msg);
                    }
                  });
              p.remove(Answer.class);
              p.remove(SwitchBeforeBody.class);
            });
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
