package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.webfilter.policy.config.ProxyLimits;

/**
 * The defence against a client trickling a request head byte by byte to hold a connection: the
 * head must be complete within {@link ProxyLimits#headerTimeout()} of its first byte. One per
 * client connection, plain ({@link ClientGuard}) or decrypted in a tunnel ({@link Interceptor});
 * used on the connection's event loop only.
 */
final class HeadTimer {
  private final long millis;
  private final Runnable expired;
  private boolean betweenMessages = true;
  private ScheduledFuture<?> timer;

  /** @param expired answers the client (408) and closes */
  HeadTimer(ProxyLimits limits, Runnable expired) {
    this.millis = limits.headerTimeout().toMillis();
    this.expired = expired;
  }

  /** Bytes from the client, not yet decoded: the first after a request starts the clock. */
  void read(ChannelHandlerContext ctx, Object msg) {
    if (betweenMessages && msg instanceof ByteBuf b && b.isReadable()) {
      betweenMessages = false;
      timer = ctx.executor().schedule(expired, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** The head was decoded (or the connection is done with heads). */
  void stop() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** The request ended: the next byte begins a new head. */
  void requestEnded() {
    betweenMessages = true;
  }

  /**
   * What arrives now waits undecoded for a reason of the proxy's (the answer to a request that
   * asked to upgrade): it starts no clock. {@link #requestEnded} ends this.
   */
  void hold() {
    stop();
    betweenMessages = false;
  }
}
