package org.webfilter.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Sits in each client channel's pipeline, just before LittleProxy's connection handler, and sees
 * every response on its way to the encoder. It fills the gaps LittleProxy's filter callbacks leave:
 *
 * <ul>
 *   <li>re-adds {@code Proxy-Authenticate} to our 407s (LittleProxy strips it as hop-by-hop);
 *   <li>notices the {@code 200 Connection established} of a tunnel, which no filter callback
 *       reports;
 *   <li>publishes the event of a request whose client went away before the response finished.
 * </ul>
 */
final class ClientConnectionHook extends ChannelDuplexHandler {
  static final String NAME = "webfilter-hook";

  private volatile Exchange current;

  void current(Exchange exchange) {
    this.current = exchange;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof Responses.Challenge challenge) {
      challenge.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, Responses.REALM);
    } else if (msg instanceof HttpResponse r) {
      Exchange x = current;
      if (x != null && x.isConnect() && !x.finished() && r.status().code() == 200) {
        x.status(200);
        x.addBytesOut(HttpSizes.head(r));
        x.finish();
      }
    }
    super.write(ctx, msg, promise);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    Exchange x = current;
    if (x != null) {
      x.finish(); // status stays 0 when no response head was sent
    }
    super.channelInactive(ctx);
  }
}
