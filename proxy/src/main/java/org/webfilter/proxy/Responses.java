package org.webfilter.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The responses the proxy writes itself; each is complete and carries a Content-Length. */
final class Responses {
  static final String TEXT = "text/plain; charset=utf-8";
  static final String HTML = "text/html; charset=utf-8";
  static final String PAC = "application/x-ns-proxy-autoconfig";
  static final String CA_CERT = "application/x-x509-ca-cert";
  static final String BLOCK_HEADER = "X-Webfilter-Block";
  static final String REALM = "Basic realm=\"webfilter\"";

  /** Our pages need nothing but their own inline style; the form may post to the review UI. */
  private static final String CSP =
      "default-src 'none'; style-src 'unsafe-inline'; form-action http: https:; base-uri 'none';"
          + " frame-ancestors 'none'";

  private Responses() {}

  static FullHttpResponse of(
      HttpResponseStatus status, String contentType, String body, boolean head) {
    return fill(
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.buffer(0)),
        contentType,
        body,
        head);
  }

  /** A 407 login challenge. */
  static FullHttpResponse challenge(String html, boolean head) {
    FullHttpResponse r =
        fill(
            new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
                Unpooled.buffer(0)),
            HTML,
            html,
            head);
    r.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, REALM);
    return r;
  }

  private static FullHttpResponse fill(
      FullHttpResponse r, String contentType, String body, boolean head) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!head) {
      r.content().writeBytes(bytes);
    }
    HttpHeaders h = r.headers();
    h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
    h.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    h.set("X-Content-Type-Options", "nosniff");
    if (HTML.equals(contentType)) {
      h.set("Content-Security-Policy", CSP);
    }
    return r;
  }
}
