package org.webfilter.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Hands LittleProxy a request without a body (a GET, most of the traffic) as one {@link
 * FullHttpRequest} instead of a head followed by an empty last chunk.
 *
 * <p>Why: LittleProxy 2.8 writes a chunk that arrives while the upstream connection is still being
 * made by waiting for that connection on the client's event loop ({@code
 * ProxyToServerConnection.write}, {@code connectLock}). The decoder's empty last chunk always arrives
 * then for a new connection, so every new connection stalled its event loop for the whole connect
 * (a JFR profile showed 1,200 such waits of ~20 ms in 10 s of one-request-per-connection load). A
 * complete request is queued instead, and the loop moves on. Requests with a body stream as before.
 */
final class BodylessRequests extends ChannelInboundHandlerAdapter {
  static final String NAME = "webfilter-bodyless";

  /** A bodyless request head waiting for the empty last chunk the decoder emits right behind it. */
  private HttpRequest held;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (held != null) {
      HttpRequest head = held;
      held = null;
      if (msg instanceof LastHttpContent last && isEmpty(last)) {
        last.release();
        ctx.fireChannelRead(whole(head));
        return;
      }
      ctx.fireChannelRead(head);
    }
    if (msg instanceof HttpRequest r && !(msg instanceof HttpContent) && hasNoBody(r)) {
      held = r;
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (held != null) { // the chunk did not come with it after all: pass the head on as it is
      HttpRequest head = held;
      held = null;
      ctx.fireChannelRead(head);
    }
    ctx.fireChannelReadComplete();
  }

  private static boolean hasNoBody(HttpRequest r) {
    if (!r.decoderResult().isSuccess() || HttpMethod.CONNECT.equals(r.method())
        || HttpUtil.isTransferEncodingChunked(r)) {
      return false;
    }
    try {
      return HttpUtil.getContentLength(r, 0L) == 0;
    } catch (NumberFormatException e) {
      return false; // the head check answers a bad Content-Length
    }
  }

  private static boolean isEmpty(LastHttpContent last) {
    return last.decoderResult().isSuccess() && !last.content().isReadable() && last.trailingHeaders().isEmpty();
  }

  private static FullHttpRequest whole(HttpRequest head) {
    FullHttpRequest r = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
        Unpooled.EMPTY_BUFFER, head.headers(), new DefaultHttpHeaders());
    r.setDecoderResult(head.decoderResult());
    return r;
  }
}
