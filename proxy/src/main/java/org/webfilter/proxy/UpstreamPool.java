package org.webfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.config.UpstreamSettings;

/**
 * Idle keep-alive connections to origin servers, kept per event loop and per {@link UpstreamKey}
 * (plain or TLS, server name, host, port), so a client that opens a new connection (or a new
 * intercepted tunnel) per request, or many pupils visiting the same site, does not cost a new
 * upstream connection, and for HTTPS a new TLS handshake, each time.
 *
 * <p>A connection belongs to the event loop it was opened on, the loop of the client it first
 * served; it is only ever used by clients of that loop, so the pool needs no locks. A connection
 * idle for longer than {@link UpstreamSettings#idleKeep()} is not reused (origins close idle
 * connections after 5-75 s, and a request sent on a connection the origin is closing is lost), and
 * at most {@link UpstreamSettings#idlePerOrigin()} are kept per origin; whoever takes
 * one from the pool must be ready for it to close before the first response byte, and retry once
 * on a new connection ({@link ClientSession} and {@link Interceptor} do, for requests without a
 * body). Only a connection whose last response was read whole, with both ends keeping it alive, is
 * given back; for TLS only one whose handshake, certificate check included, succeeded.
 */
final class UpstreamPool {
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
  private final long maxIdleNanos;
  /** Idle connections kept per origin and event loop; more are closed. */
  private final int maxPerOrigin;

  private final FastThreadLocal<Map<UpstreamKey, ArrayDeque<Connection>>> idle =
      new FastThreadLocal<>() {
        @Override
        protected Map<UpstreamKey, ArrayDeque<Connection>> initialValue() {
          return new HashMap<>();
        }
      };

  UpstreamPool(UpstreamSettings settings) {
    this.maxIdleNanos = settings.idleKeep().toNanos();
    this.maxPerOrigin = settings.idlePerOrigin();
  }

  /**
   * An idle connection to {@code key} on the calling event loop, now owned by {@code owner}; null
   * when there is none.
   */
  Connection take(UpstreamKey key, Owner owner) {
    ArrayDeque<Connection> q = idle.get().get(key);
    if (q == null) {
      return null;
    }
    long now = System.nanoTime();
    for (Connection c; (c = q.pollLast()) != null; ) { // the most recently used: least likely closed
      if (usable(c, now)) {
        c.owner = owner;
        c.pooled = false;
        return c;
      }
      c.pooled = false;
      c.channel.close();
    }
    return null;
  }

  /**
   * {@code c} itself, still idle in the pool and fresh enough, now owned by {@code owner}; null
   * otherwise. For the client that gave it back, to send a request with a body on the connection
   * it just used, as it would have without a pool: such a request cannot be sent again, so it never
   * takes just any pooled connection.
   */
  Connection reclaim(Connection c, Owner owner) {
    if (c == null || !c.pooled) {
      return null;
    }
    c.pooled = false;
    forget(c);
    if (!usable(c, System.nanoTime())) {
      c.channel.close();
      return null;
    }
    c.owner = owner;
    return c;
  }

  private boolean usable(Connection c, long now) {
    return c.channel.isActive() && now - c.idleSince < maxIdleNanos;
  }

  /** Takes back a connection whose last response is complete, on its own event loop. */
  void give(Connection c) {
    c.owner = null;
    if (!c.channel.isActive()) {
      return;
    }
    ArrayDeque<Connection> q = idle.get().computeIfAbsent(c.key, k -> new ArrayDeque<>());
    if (q.size() >= maxPerOrigin) {
      c.channel.close();
      return;
    }
    c.channel.config().setAutoRead(true); // to notice when the origin closes it
    c.idleSince = System.nanoTime();
    c.pooled = true;
    q.addLast(c);
  }

  private void forget(Connection c) {
    ArrayDeque<Connection> q = idle.get().get(c.key);
    if (q != null) {
      q.remove(c);
      if (q.isEmpty()) {
        idle.get().remove(c.key);
      }
    }
  }

  /** Makes the handler for a new connection to {@code key}, owned by {@code owner}. */
  Connection connection(UpstreamKey key, Owner owner) {
    return new Connection(key, owner);
  }

  /** What a connection reports to the client session it serves. */
  interface Owner {
    void fromUpstream(Connection c, Object msg);

    void upstreamReadComplete(Connection c);

    void upstreamWritabilityChanged(Connection c);

    void upstreamClosed(Connection c);

    /** No traffic either way for the idle timeout while serving a request. */
    void upstreamIdle(Connection c);
  }

  /** The last handler of an upstream connection: passes everything to its current owner. */
  final class Connection extends ChannelInboundHandlerAdapter {
    final UpstreamKey key;
    private Channel channel;
    private Owner owner;
    private boolean pooled;
    private long idleSince;

    private Connection(UpstreamKey key, Owner owner) {
      this.key = key;
      this.owner = owner;
    }

    Channel channel() {
      return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (owner == null) {
        // an idle connection must say nothing: whatever it is, the connection is no longer usable
        ReferenceCountUtil.release(msg);
        ctx.close();
        return;
      }
      owner.fromUpstream(this, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      if (owner != null) {
        owner.upstreamReadComplete(this);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (owner != null) {
        owner.upstreamWritabilityChanged(this);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof IdleStateEvent) {
        if (owner != null) {
          owner.upstreamIdle(this);
        } else {
          ctx.close();
        }
      }
      ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (pooled) {
        pooled = false;
        forget(this);
      }
      if (owner != null) {
        Owner o = owner;
        owner = null;
        o.upstreamClosed(this);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("upstream {}: {}", key, cause.toString());
      BufferMemoryAlarm.check(cause);
      ctx.close();
    }
  }
}
