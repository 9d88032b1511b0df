package org.webfilter.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The socket transport of the proxy's event loops, in one place: upstream connections are opened on
 * the client's own event loop, so their channel type must match the loop's.
 */
final class Transport {
  private Transport() {}

  static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
    return new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
  }

  static Class<? extends ServerSocketChannel> serverChannel() {
    return NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> socketChannel() {
    return NioSocketChannel.class;
  }

  static String name() {
    return "nio";
  }
}
