package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * The client side of relaying HTTP requests one at a time, whoever decides them and wherever they
 * go: {@link ClientSession} (requests to the proxy) and {@link Interceptor} (requests decrypted in
 * a tunnel). It keeps requests in order (pipelined ones wait), drops the body of a request answered
 * here, streams the response back part by part with back-pressure both ways, finishes each {@link
 * Exchange} once both the request and the response are complete, and closes when the response must
 * end the connection. Subclasses decide each request ({@link #begin}), own the upstream connection
 * and treat the response head ({@link #responseHead}). Everything runs on the client's event loop;
 * every message is passed on or released.
 */
abstract class HttpRelay extends ChannelInboundHandlerAdapter {
  /** More requests than this waiting behind the one in flight: the client is abusive. */
  private static final int MAX_WAITING = 64;

  private final ArrayDeque<HttpObject> inbox = new ArrayDeque<>();
  private boolean draining;
  ChannelHandlerContext ctx;

  // ---- the request in progress ----
  Exchange current;
  boolean head;
  boolean requestDone;
  boolean responseDone;
  boolean responseStarted;
  boolean informational;
  /** Close the client connection once this response is out. */
  boolean closeAfterResponse;
  /** The body of a request we answered ourselves: dropped. */
  boolean discarding;
  /** An allowed request head waiting for its upstream connection. */
  HttpRequest pendingHead;
  boolean upgraded;
  boolean closed;

  /** Decides {@code request} (nothing is in progress) and answers or forwards it. */
  abstract void begin(HttpRequest request);

  /** The upstream connection requests and bodies go to now, or null. */
  abstract Channel upstream();

  /**
   * The head of the final or an informational response, before it goes to the client: make it fit
   * for this hop and count its size. Status and {@link #informational} are already set.
   */
  abstract void responseHead(HttpResponse r);

  /** {@code 101 Switching Protocols}: relay bytes from now on; the response is not written yet. */
  abstract void switchProtocols(HttpResponse r);

  /** After a 101: what the upstream sends. */
  abstract void upstreamBytesAfterUpgrade(Object msg);

  /** The last part of the final response went to the client: free or keep the upstream. */
  abstract void responseComplete();

  /** The upstream connection broke or misbehaved: close it and forget it. */
  abstract void dropUpstream();

  /** After a 101: what the client sends that reaches this handler. */
  void clientBytesAfterUpgrade(Object msg) {
    ReferenceCountUtil.release(msg);
  }

  /** The connection is no longer HTTP here (a tunnel took it over): leave reading alone. */
  boolean handedOver() {
    return false;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** Resets the per-request state for {@code request}, recorded by {@code x}. */
  void start(HttpRequest request, Exchange x) {
    x.addBytesIn(HttpSizes.head(request));
    current = x;
    head = HttpMethod.HEAD.equals(request.method());
    requestDone = request instanceof LastHttpContent;
    responseDone = false;
    responseStarted = false;
    informational = false;
    closeAfterResponse = false;
    discarding = false;
  }

  // ---- from the client ----

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (upgraded) {
      clientBytesAfterUpgrade(msg);
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
  final void drain() {
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
        } else if (discarding || upstream() != null) {
          inbox.poll();
          body((HttpContent) m);
        } else {
          break; // waiting for the upstream connection
        }
      }
      Channel up = upstream();
      if (up != null) {
        up.flush();
      }
    } finally {
      draining = false;
    }
    updateAutoRead();
  }

  private void body(HttpContent c) {
    if (c.decoderResult().isFailure()) {
      // bad chunking, which only a tunnel's requests bring here (ClientGuard stops plain ones):
      // the origin must not take the body as complete, and the client gets what a plain one gets
      c.release();
      dropUpstream();
      if (responseStarted) {
        ctx.close();
      } else {
        closeAfterResponse = true;
        discarding = true;
        answer(refusal(ClientGuard.BAD_CHUNKING));
      }
      return;
    }
    boolean last = c instanceof LastHttpContent;
    current.addBytesIn(c.content().readableBytes());
    Channel up = upstream();
    if (discarding || up == null) {
      c.release();
    } else {
      up.write(c, up.voidPromise());
    }
    if (last) {
      discarding = false;
      requestDone = true;
      maybeDone();
    }
  }

  /** Forgets what waits: the client is gone or the connection is no longer HTTP. */
  final void clearInbox() {
    inbox.forEach(ReferenceCountUtil::release);
    inbox.clear();
  }

  // ---- our own answers ----

  /** Sends a response of ours for the current request. */
  final void answer(FullHttpResponse r) {
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

  /** {@code no} as a response of ours, with the same status, phrase and text as ClientGuard's. */
  final FullHttpResponse refusal(ClientGuard.Refusal no) {
    return Responses.of(
        new HttpResponseStatus(no.status(), no.phrase()), Responses.TEXT, "webfilter: " + no.text(), head);
  }

  final FullHttpResponse text(HttpResponseStatus status, String body) {
    return Responses.of(status, Responses.TEXT, body, head);
  }

  /** Finishes the exchange once both the request and the response are complete. */
  final void maybeDone() {
    if (current == null || !requestDone || !responseDone) {
      return;
    }
    current.finish();
    current = null;
    if (closeAfterResponse) {
      closeWhenWritten();
    }
  }

  /** Closes the client connection once what was written has gone out. */
  final void closeWhenWritten() {
    closed = true;
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Reads from the client unless something it sent already waits in the inbox (a pipelined request,
   * a body part before the upstream is connected) or the upstream cannot take more. Reading stays on
   * while an exchange is in flight: a client that waits for its answer sends nothing meanwhile, and
   * turning reading off and on around every request cost two epoll_ctl calls per request.
   */
  final void updateAutoRead() {
    if (closed || upgraded || handedOver()) {
      return;
    }
    Channel up = upstream();
    boolean read = inbox.isEmpty() && (up == null || up.isWritable());
    ctx.channel().config().setAutoRead(read);
  }

  // ---- from the upstream ----

  /** A message from the upstream connection of the current request. */
  final void fromUpstream(Object msg) {
    if (upgraded) {
      upstreamBytesAfterUpgrade(msg);
      return;
    }
    if (!(msg instanceof HttpObject m) || current == null || responseDone || closed) {
      ReferenceCountUtil.release(msg); // nothing asked for it
      dropUpstream();
      return;
    }
    if (m.decoderResult().isFailure()) {
      ReferenceCountUtil.release(m);
      dropUpstream();
      if (!responseStarted) {
        answer(text(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site answered badly\n"));
        drain();
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
      responseHead(r);
      if (code == 101) {
        upgraded = true;
        responseDone = true;
        requestDone = true;
        current.finish(); // a WebSocket: the rest is frames, not a response
        current = null;
        clearInbox();
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
        responseDone = true;
        responseComplete();
        maybeDone();
        drain();
      }
    }
  }

  /**
   * After a 101: the bytes in what the upstream codec passed on, or null (and {@code msg} released)
   * when there are none. They come as they are, or, when the codec took them for a body of the 101
   * (an old WebSocket handshake without {@code Sec-WebSocket-Accept}), as its content parts.
   */
  static ByteBuf upgradedBytes(Object msg) {
    ByteBuf bytes =
        msg instanceof HttpContent part ? part.content() : msg instanceof ByteBuf b ? b : null;
    if (bytes != null && bytes.isReadable()) {
      return bytes;
    }
    ReferenceCountUtil.release(msg);
    return null;
  }

  static boolean hasBody(HttpRequest r) {
    return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
  }

  /** A complete copy of a bodyless request, for a second try on a new upstream connection. */
  static HttpRequest copyOf(HttpRequest r) {
    return new DefaultFullHttpRequest(
        r.protocolVersion(), r.method(), r.uri(), Unpooled.EMPTY_BUFFER, r.headers().copy(),
        EmptyHttpHeaders.INSTANCE);
  }

  /**
   * Whether the response's end is known without the server closing: otherwise ours must end with
   * the connection too.
   */
  final boolean framed(HttpResponse r) {
    int code = r.status().code();
    return head
        || informational
        || code == 101
        || code == 204
        || code == 304
        || HttpUtil.isContentLengthSet(r)
        || HttpUtil.isTransferEncodingChunked(r);
  }

  /** The upstream connection of the current request closed (the subclass has forgotten it). */
  final void upstreamGone() {
    if (upgraded || (current != null && responseStarted && !responseDone)) {
      // what was relayed is all there is: close once it has reached the client
      closeWhenWritten();
    } else if (current != null && !responseDone) {
      discarding = !requestDone;
      answer(text(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site closed the connection\n"));
      drain();
    } else {
      updateAutoRead();
    }
  }

  /** The upstream has read what it could: flush it to the client, pause it if the client is full. */
  final void upstreamReadComplete(Channel up) {
    ctx.flush();
    if (!ctx.channel().isWritable()) {
      up.config().setAutoRead(false);
    }
  }

  // ---- the client connection ----

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Channel up = upstream();
    if (up != null) {
      up.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Channel up = upstream();
    if (up != null) {
      up.config().setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    clearInbox();
    if (pendingHead != null) {
      ReferenceCountUtil.release(pendingHead);
      pendingHead = null;
    }
    if (upstream() != null) {
      dropUpstream(); // mid-exchange or kept for this client only: it cannot serve anyone else
    }
    if (current != null) {
      current.finish(); // status stays 0 when no response was sent
    }
    ctx.fireChannelInactive();
  }
}
