package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A test client's CONNECT: asks the proxy for a tunnel on a connected socket and checks it got one. */
final class ConnectRequest {
  private ConnectRequest() {}

  /** Sends the CONNECT (with {@code extraHeaders}, each ending in CRLF) and reads the 200's head. */
  static void establish(Socket s, String authority, String extraHeaders) throws IOException {
    s.getOutputStream()
        .write(
            ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
    String head = readHead(s.getInputStream());
    assertTrue(head.startsWith("HTTP/1.1 200"), head);
  }

  static void establish(Socket s, String authority) throws IOException {
    establish(s, authority, "");
  }

  /** A response head, up to and with its blank line; fails if the connection ends first. */
  static String readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      assertTrue(c >= 0, "connection closed after: " + head);
      head.append((char) c);
    }
    return head.toString();
  }
}
