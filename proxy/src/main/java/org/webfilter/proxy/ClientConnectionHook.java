package org.webfilter.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
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
 *   <li>publishes the event of a request whose client went away before the response finished;
 *   <li>honours a client's {@code Connection: close} (RFC 9112 §9.6), which LittleProxy 2.8 ignores:
 *       the response to that request says {@code Connection: close} and the connection closes once
 *       it is written. Requests are answered in order, so a queue pairs each response with its
 *       request, pipelined ones included.
 * </ul>
 *
 * <p>Touched only on the channel's event loop.
 */
final class ClientConnectionHook extends ChannelDuplexHandler {
  static final String NAME = "webfilter-hook";

  private volatile Exchange current;
  /** For each request not answered yet, in order: whether its client asked to close. */
  private final ArrayDeque<Boolean> closeRequested = new ArrayDeque<>();
  private boolean closeAfterResponse;

  /** Called as LittleProxy starts on a request (before it strips the {@code Connection} header). */
  void requestArrived(HttpRequest request) {
    closeRequested.add(!HttpMethod.CONNECT.equals(request.method()) && !HttpUtil.isKeepAlive(request));
  }

  void current(Exchange exchange) {
    this.current = exchange;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
      throws Exception {
    if (msg instanceof Responses.Challenge challenge) {
      challenge.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, Responses.REALM);
    }
    if (msg instanceof HttpResponse r && r.status().code() >= 200) { // 1xx are not the answer
      closeAfterResponse = Boolean.TRUE.equals(closeRequested.poll());
      if (closeAfterResponse) {
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }
    if (msg instanceof HttpResponse r && !(msg instanceof Responses.Challenge)) {
      Exchange x = current;
      if (x != null && x.isConnect() && !x.finished() && r.status().code() == 200) {
        x.status(200);
        x.addBytesOut(HttpSizes.head(r));
        x.finish();
      }
    }
    if (msg instanceof LastHttpContent && closeAfterResponse) {
      closeAfterResponse = false;
      ChannelPromise p = promise.isVoid() ? ctx.newPromise() : promise;
      super.write(ctx, msg, p);
      p.addListener(ChannelFutureListener.CLOSE);
      return;
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
