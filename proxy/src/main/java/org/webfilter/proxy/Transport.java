package org.webfilter.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The socket transport of the proxy's event loops, in one place: upstream connections are opened on
 * the client's own event loop, so their channel type must match the loop's. Native epoll where
 * Netty's library loads (Linux x86-64: fewer system calls and allocations per read), else NIO;
 * {@code -Dwebfilter.transport=nio} forces NIO.
 */
final class Transport {
  private static final boolean EPOLL =
      !"nio".equalsIgnoreCase(System.getProperty("webfilter.transport")) && Epoll.isAvailable();

  private Transport() {}

  static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
    return new MultiThreadIoEventLoopGroup(
        threads, threadFactory, EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
  }

  static Class<? extends ServerSocketChannel> serverChannel() {
    return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  static String name() {
    return EPOLL ? "epoll" : "nio";
  }
}
