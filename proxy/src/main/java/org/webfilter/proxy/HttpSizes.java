package org.webfilter.proxy;

import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import java.util.Iterator;
import java.util.Map;

/**
 * Best-effort wire sizes of message heads (the codecs do not report them), for event byte counts.
 */
final class HttpSizes {
  private static final int VERSION_AND_CRLF = 11; // " HTTP/1.1\r\n"

  private HttpSizes() {}

  static long head(HttpRequest r) {
    return r.method().name().length()
        + 1
        + r.uri().length()
        + VERSION_AND_CRLF
        + headers(r.headers());
  }

  static long head(HttpResponse r) {
    return 9 + r.status().toString().length() + 2 + headers(r.headers());
  }

  private static long headers(HttpHeaders h) {
    long n = 2; // blank line
    Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
    while (it.hasNext()) {
      Map.Entry<CharSequence, CharSequence> e = it.next();
      n += e.getKey().length() + 2 + e.getValue().length() + 2;
    }
    return n;
  }
}
