package org.webfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.AbstractEventExecutorGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.littleshoot.proxy.TransportProtocol;
import org.littleshoot.proxy.impl.ServerGroup;

/**
 * LittleProxy's thread pools, with one addition: every accepted client channel passes through
 * {@code onAccept} before it is registered, so the proxy can put its own handler at the head of
 * the pipeline ahead of LittleProxy's. LittleProxy offers no hook that runs before the first
 * request is decoded (its {@code HttpFiltersSource} sees only decoded requests), and limits on
 * the request head, connection counts and the slowloris timer must act on raw bytes.
 */
final class GuardedServerGroup extends ServerGroup {
  private final Consumer<Channel> onAccept;
  private EventLoopGroup hooked;

  GuardedServerGroup(String name, int workerThreads, Consumer<Channel> onAccept) {
    super(name, DEFAULT_INCOMING_ACCEPTOR_THREADS, workerThreads, DEFAULT_OUTGOING_WORKER_THREADS);
    this.onAccept = onAccept;
  }

  @Override
  public synchronized EventLoopGroup getClientToProxyWorkerPoolForTransport(
      TransportProtocol protocol) {
    if (hooked == null) {
      hooked = new Hooking(super.getClientToProxyWorkerPoolForTransport(protocol), onAccept);
    }
    return hooked;
  }

  /** Delegates everything; {@link #register(Channel)} first lets {@code onAccept} see the channel. */
  private static final class Hooking extends AbstractEventExecutorGroup implements EventLoopGroup {
    private final EventLoopGroup delegate;
    private final Consumer<Channel> onAccept;

    Hooking(EventLoopGroup delegate, Consumer<Channel> onAccept) {
      this.delegate = delegate;
      this.onAccept = onAccept;
    }

    @Override
    public ChannelFuture register(Channel channel) {
      onAccept.accept(channel);
      return delegate.register(channel);
    }

    @Override
    public ChannelFuture register(ChannelPromise promise) {
      onAccept.accept(promise.channel());
      return delegate.register(promise);
    }

    @Override
    @Deprecated
    public ChannelFuture register(Channel channel, ChannelPromise promise) {
      onAccept.accept(channel);
      return delegate.register(channel, promise);
    }

    @Override
    public EventLoop next() {
      return delegate.next();
    }

    @Override
    public Iterator<EventExecutor> iterator() {
      return delegate.iterator();
    }

    @Override
    public boolean isShuttingDown() {
      return delegate.isShuttingDown();
    }

    @Override
    public Future<?> shutdownGracefully(long quietPeriod, long timeout, TimeUnit unit) {
      return delegate.shutdownGracefully(quietPeriod, timeout, unit);
    }

    @Override
    public Future<?> terminationFuture() {
      return delegate.terminationFuture();
    }

    @Override
    @Deprecated
    public void shutdown() {
      delegate.shutdown();
    }

    @Override
    public boolean isShutdown() {
      return delegate.isShutdown();
    }

    @Override
    public boolean isTerminated() {
      return delegate.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
      return delegate.awaitTermination(timeout, unit);
    }
  }
}
