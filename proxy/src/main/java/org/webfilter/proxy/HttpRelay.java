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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The client side of relaying HTTP requests one at a time, whoever decides them and wherever they
 * go: {@link ClientSession} (requests to the proxy) and {@link Interceptor} (requests decrypted in
 * a tunnel). It keeps requests in order (pipelined ones wait), drops the body of a request answered
 * here, streams the response back part by part with back-pressure both ways, finishes each {@link
 * Exchange} once both the request and the response are complete, and closes when the response must
 * end the connection. Subclasses decide each request ({@link #begin}), own the upstream connection
 * and treat the response head ({@link #responseHead}). Everything runs on the client's event loop;
 * every message is passed on or released.
 *
 * <p>A request that asks to upgrade (a WebSocket handshake) makes what follows it ambiguous until
 * the origin answers: the new protocol's bytes after a 101, the client's next request otherwise.
 * So the subclass stops decoding at the end of such a request, and what the client sends meanwhile
 * waits here as bytes, with reading paused. A 101 (only to a request that asked, and had been sent
 * whole) relays them to the origin, first; any other answer sends them through a request decoder
 * again ({@link #decodeAgain}), to be decided like any request.
 */
abstract class HttpRelay extends ChannelInboundHandlerAdapter {
  /** More requests than this waiting behind the one in flight: the client is abusive. */
  private static final int MAX_WAITING = 64;

  /** Decoded messages; or, after a request that asked to upgrade, the bytes that followed it. */
  private final ArrayDeque<Object> inbox = new ArrayDeque<>();
  private boolean draining;
  ChannelHandlerContext ctx;

  // ---- the request in progress ----
  Exchange current;
  boolean head;
  boolean requestDone;
  boolean responseDone;
  boolean responseStarted;
  boolean informational;
  /** The request asked to switch protocols: only then may the origin answer 101. */
  boolean upgradeAsked;
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

  /**
   * After a 101: what the client sent after its request (held here while the answer was awaited)
   * or sends now and reaches this handler: to the upstream, or released.
   */
  abstract void clientBytesAfterUpgrade(Object msg);

  /**
   * The connection stays HTTP after a request that asked to upgrade: put a request decoder back
   * and pass {@code held}, what the client sent since (in order), through it.
   */
  abstract void decodeAgain(List<ByteBuf> held);

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
    upgradeAsked = asksUpgrade(request);
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
    if (!(msg instanceof HttpObject || msg instanceof ByteBuf) || closed) {
      ReferenceCountUtil.release(msg); // bytes come only while decoding is paused (see above)
      return;
    }
    inbox.add(msg);
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
        Object m = inbox.peek();
        if (m instanceof ByteBuf) {
          if (current != null) {
            break; // what follows a request that asked to upgrade: its answer says what it is
          }
          resumeDecoding();
        } else if (m instanceof HttpRequest request) {
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

  /** Not switched: the bytes that wait at the head of the inbox go through a decoder again. */
  private void resumeDecoding() {
    List<ByteBuf> held = new ArrayList<>(2);
    while (inbox.peek() instanceof ByteBuf b) {
      inbox.poll();
      held.add(b);
    }
    decodeAgain(held); // what it decodes comes back to channelRead, behind whatever still waits
  }

  /**
   * Whether {@code r} asks to switch protocols: an {@code Upgrade} header, and {@code upgrade}
   * among the {@code Connection} options (RFC 9110 §7.8). Most requests stop at the first lookup.
   */
  static boolean asksUpgrade(HttpRequest r) {
    HttpHeaders h = r.headers();
    return h.contains(HttpHeaderNames.UPGRADE)
        && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
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
      if (code == 101 && !(upgradeAsked && requestDone)) {
        // a protocol the client did not ask for (RFC 9110 §7.8), or a switch before the origin had
        // the whole request: the two ends would no longer agree what the connection carries
        ReferenceCountUtil.release(m);
        dropUpstream();
        if (!requestDone) {
          closeAfterResponse = true;
          discarding = true;
        }
        answer(
            text(HttpResponseStatus.BAD_GATEWAY, "webfilter: the web site switched protocols unasked\n"));
        drain();
        return;
      }
      informational = code >= 100 && code < 200 && code != 101;
      if (!informational) {
        responseStarted = true;
        current.status(code);
      }
      responseHead(r);
      if (code == 101) {
        upgraded = true;
        responseDone = true;
        current.finish(); // a WebSocket: the rest is frames, not a response
        current = null;
        switchProtocols(r);
        // what the client sent after its request waited undecoded: the new protocol's first bytes
        for (Object held = inbox.poll(); held != null; held = inbox.poll()) {
          clientBytesAfterUpgrade(held);
        }
        Channel up = upstream();
        if (up != null) {
          up.flush();
        }
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
