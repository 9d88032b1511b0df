package org.webfilter.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A TCP origin that keeps the first bytes of each connection and answers "pong". */
final class TcpOrigin implements AutoCloseable {
  private final ServerSocket server;
  private final LinkedBlockingQueue<byte[]> received = new LinkedBlockingQueue<>();

  TcpOrigin() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread t = new Thread(this::acceptLoop, "tcp-origin");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        s.setSoTimeout(5_000);
        InputStream in = s.getInputStream();
        byte[] buf = new byte[64 * 1024];
        int n = in.read(buf);
        received.add(n <= 0 ? new byte[0] : Arrays.copyOf(buf, n));
        s.getOutputStream().write("pong".getBytes());
        s.getOutputStream().flush();
      } catch (IOException e) {
        // closed
      }
    }
  }

  /** The first read of the next connection, waiting up to 10 s; null if none came. */
  byte[] next() throws InterruptedException {
    return received.poll(10, TimeUnit.SECONDS);
  }

  boolean nothingReceived() {
    return received.isEmpty();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
