package org.webfilter.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Opening a connection to an origin on a client's behalf, the same way for plain requests, tunnels
 * and intercepted tunnels: the name is resolved through {@link DestinationGuard} on the resolver
 * threads (a lookup may block), and the connection is made on the client's own event loop, so both
 * sides of the relay run on one thread with no hand-offs.
 */
final class Upstreams {
  private Upstreams() {}

  /**
   * Resolves {@code host}:{@code port} off the event loop, then calls {@code then} with the
   * address, or {@code failed} with why not, on the event loop of {@code ctx}.
   */
  static void resolve(
      ProxyContext shared,
      ChannelHandlerContext ctx,
      String host,
      int port,
      Consumer<InetSocketAddress> then,
      Consumer<Exception> failed) {
    try {
      shared.resolver.execute(
          () -> {
            InetSocketAddress address;
            try {
              address = shared.guard.resolve(host, port);
            } catch (UnknownHostException | RuntimeException e) {
              ctx.executor().execute(() -> failed.accept(e));
              return;
            }
            ctx.executor().execute(() -> then.accept(address));
          });
    } catch (RejectedExecutionException e) {
      failed.accept(e); // shutting down
    }
  }

  /** A bootstrap on the event loop of {@code ctx}, with the proxy's connect timeout. */
  static Bootstrap bootstrap(ProxyContext shared, ChannelHandlerContext ctx) {
    return new Bootstrap()
        .group(ctx.channel().eventLoop())
        .channel(Transport.socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.RCVBUF_ALLOCATOR, shared.pressure.originReads())
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) shared.options.limits().connectTimeout().toMillis());
  }

  /** The HTTP/1.1 codec of a connection to an origin, with generous limits on response heads. */
  static HttpClientCodec httpCodec() {
    return new HttpClientCodec(
        new HttpDecoderConfig().setMaxInitialLineLength(16384).setMaxHeaderSize(65536),
        false,
        false);
  }
}
