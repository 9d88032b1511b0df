package org.webfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.Identification;
import org.webfilter.policy.Policy;

/**
 * Checks each request's proxy login before the session decides it, so no event loop ever
 * waits for the user directory (STYLE 5). It sits right after the request decoder ({@link
 * ClientGuard} puts it there) and asks {@link Policy#identifyAsync} for every request that offers a
 * Basic login. Almost always the answer is complete at once (networks, the users file, remembered
 * directory logins) and the request goes straight on. When it is not (a directory login not
 * remembered yet), the request is held: reading from this client stops, everything decoded behind
 * the request waits here in order, and the event loop serves other clients. When the directory
 * answers, on its own threads, the rest continues on this channel's event loop.
 *
 * <p>The decision ({@link RequestGate}) is synchronous, which is why the wait happens here, ahead
 * of it. The answer travels to {@link RequestGate} as a channel attribute
 * tied to the very request object ({@link #checked}), so the filter never asks twice and never
 * waits.
 */
final class LoginGate extends ChannelInboundHandlerAdapter {
  static final String NAME = "webfilter-login-gate";
  private static final Logger LOG = LoggerFactory.getLogger(LoginGate.class);
  private static final AttributeKey<Checked> CHECKED = AttributeKey.valueOf("webfilter.login");

  /** A request whose login this gate checked, and the answer. */
  private record Checked(HttpRequest request, Identification identification) {}

  private final Supplier<Policy> policy;
  /** A held request first, then whatever was decoded behind it. */
  private final ArrayDeque<Object> waiting = new ArrayDeque<>();
  private boolean holding;
  /** Auto-read was on when we turned it off, so it is ours to turn back on. */
  private boolean restoreAutoRead;
  private boolean autoReadOff;

  LoginGate(Supplier<Policy> policy) {
    this.policy = policy;
  }

  /**
   * The identification this gate found for {@code request} on {@code channel}, or null when the
   * request offered no readable login. Taken once.
   */
  static Identification checked(Channel channel, HttpRequest request) {
    Checked c = channel.attr(CHECKED).get();
    if (c == null || c.request() != request) {
      return null;
    }
    channel.attr(CHECKED).set(null);
    return c.identification();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (holding) {
      waiting.add(msg);
      return;
    }
    pass(ctx, msg);
  }

  /** Passes {@code msg} on, or starts holding it when its login is still being checked. */
  private void pass(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest r
        && ProxyLogin.parse(r.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION))
            instanceof ProxyLogin.Offered offered) {
      CompletableFuture<Identification> f;
      try {
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        f = policy.get().identifyAsync(remote.getAddress(), offered.credentials());
      } catch (RuntimeException e) {
        // the filter fails closed on the same error when it decides
        ctx.fireChannelRead(msg);
        return;
      }
      if (!f.isDone()) {
        hold(ctx, r, f);
        return;
      }
      ctx.channel().attr(CHECKED).set(new Checked(r, f.join()));
    }
    ctx.fireChannelRead(msg);
  }

  private void hold(ChannelHandlerContext ctx, HttpRequest r, CompletableFuture<Identification> f) {
    holding = true;
    waiting.addFirst(r);
    if (!autoReadOff) {
      autoReadOff = true;
      restoreAutoRead = ctx.channel().config().isAutoRead();
      ctx.channel().config().setAutoRead(false);
    }
    f.whenComplete(
        (id, err) -> {
          Identification answer =
              err == null && id != null ? id : new Identification.LoginFailed(null);
          if (err != null) {
            LOG.error("proxy login not checked", err);
          }
          try {
            ctx.executor().execute(() -> resume(ctx, r, answer));
          } catch (RejectedExecutionException e) {
            // the event loop is shutting down: the channel and what waits here go with it
          }
        });
  }

  private void resume(ChannelHandlerContext ctx, HttpRequest r, Identification id) {
    if (!holding || waiting.peekFirst() != r) {
      return; // the client went away meanwhile; what waited is released
    }
    waiting.removeFirst();
    holding = false;
    ctx.channel().attr(CHECKED).set(new Checked(r, id));
    ctx.fireChannelRead(r);
    while (!holding && !waiting.isEmpty()) {
      pass(ctx, waiting.pollFirst());
    }
    ctx.fireChannelReadComplete();
    if (!holding && autoReadOff) {
      autoReadOff = false;
      if (restoreAutoRead) {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    release();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    release();
  }

  private void release() {
    holding = false;
    Object m;
    while ((m = waiting.pollFirst()) != null) {
      ReferenceCountUtil.release(m);
    }
  }
}
