import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Load for CONNECT tunnels, which wrk cannot make: each of CONNECTIONS threads opens a tunnel
 * through the proxy (CONNECT host:port), starts TLS inside it (SNI = host) and sends keep-alive
 * GETs until DURATION ends, reopening the tunnel if it is closed. With PROXY "direct" it connects
 * straight to 127.0.0.1:port (the baseline). With REQUESTS_PER_TUNNEL it closes each tunnel after
 * that many requests and opens a new one (1: a new tunnel per request, as browsers often do; the
 * latency then includes the CONNECT and the TLS handshake). Prints one line: req/s, MB/s (response
 * bodies), p50 and p99 in ms, requests, errors, requests including the warm-up.
 *
 * <pre>java benchmarks/bench/TunnelLoad.java PROXY_HOST:PORT|direct HOST PORT PATH CONNECTIONS SECONDS [WARMUP_SECONDS [REQUESTS_PER_TUNNEL]]</pre>
 */
public final class TunnelLoad {
  /** Latency histogram: 10 µs buckets up to 2 s. */
  private static final int BUCKETS = 200_000;

  public static void main(String[] a) throws Exception {
    String proxy = a[0];
    String host = a[1];
    int port = Integer.parseInt(a[2]);
    String path = a[3];
    int conns = Integer.parseInt(a[4]);
    int seconds = Integer.parseInt(a[5]);
    int warmup = a.length > 6 ? Integer.parseInt(a[6]) : 0;
    int perTunnel = a.length > 7 ? Integer.parseInt(a[7]) : Integer.MAX_VALUE;
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, new TrustManager[] {new TrustAll()}, null);
    long start = System.nanoTime();
    long measureFrom = start + warmup * 1_000_000_000L;
    long end = measureFrom + seconds * 1_000_000_000L;
    AtomicLong errors = new AtomicLong();
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < conns; i++) {
      Worker w = new Worker(proxy, host, port, path, tls, perTunnel, measureFrom, end, errors);
      workers.add(w);
      w.start();
    }
    long[] hist = new long[BUCKETS + 1];
    long n = 0;
    long all = 0;
    long bytes = 0;
    for (Worker w : workers) {
      w.join();
      for (int i = 0; i <= BUCKETS; i++) {
        hist[i] += w.hist[i];
      }
      n += w.count;
      all += w.all;
      bytes += w.bytes;
    }
    System.out.printf(
        "%.0f req/s %.1f MB/s p50 %.2f ms p99 %.2f ms requests %d errors %d with-warm-up %d%n",
        n / (double) seconds,
        bytes / (double) seconds / 1e6,
        percentile(hist, n, 0.50),
        percentile(hist, n, 0.99),
        n,
        errors.get(),
        all);
  }

  private static double percentile(long[] hist, long n, double p) {
    long want = (long) Math.ceil(n * p);
    long seen = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      seen += hist[i];
      if (seen >= want && want > 0) {
        return i * 0.01;
      }
    }
    return Double.NaN;
  }

  private static final class Worker extends Thread {
    final long[] hist = new long[BUCKETS + 1];
    long count;
    /** Requests including the warm-up, to divide the proxy's CPU time by. */
    long all;
    long bytes;
    private final String proxy, host, path;
    private final int port;
    private final int perTunnel;
    private final SSLContext tls;
    private final long measureFrom, end;
    private final AtomicLong errors;

    Worker(String proxy, String host, int port, String path, SSLContext tls, int perTunnel,
        long measureFrom, long end, AtomicLong errors) {
      this.proxy = proxy;
      this.host = host;
      this.port = port;
      this.path = path;
      this.tls = tls;
      this.perTunnel = perTunnel;
      this.measureFrom = measureFrom;
      this.end = end;
      this.errors = errors;
      setDaemon(true);
    }

    @Override
    public void run() {
      byte[] get = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1);
      byte[] body = new byte[64 * 1024];
      while (System.nanoTime() < end) {
        long opened = System.nanoTime();
        try (Socket raw = open()) {
          SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(raw, host, port, true);
          s.startHandshake();
          OutputStream out = s.getOutputStream();
          InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
          for (int sent = 0; sent < perTunnel; sent++) {
            long t0 = perTunnel == 1 ? opened : System.nanoTime();
            if (System.nanoTime() >= end) {
              return;
            }
            out.write(get);
            out.flush();
            long length = head(in);
            for (long left = length; left > 0; ) {
              int r = in.read(body, 0, (int) Math.min(body.length, left));
              if (r < 0) {
                throw new IOException("closed in a body");
              }
              left -= r;
            }
            long t1 = System.nanoTime();
            all++;
            if (t0 >= measureFrom) {
              hist[(int) Math.min(BUCKETS, (t1 - t0) / 10_000)]++;
              count++;
              bytes += length;
            }
          }
        } catch (IOException e) {
          errors.incrementAndGet();
        }
      }
    }

    private Socket open() throws IOException {
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      if (proxy.equals("direct")) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        return s;
      }
      int colon = proxy.lastIndexOf(':');
      s.connect(new InetSocketAddress(proxy.substring(0, colon),
          Integer.parseInt(proxy.substring(colon + 1))), 5_000);
      s.getOutputStream().write(("CONNECT " + host + ":" + port + " HTTP/1.1\r\nHost: " + host
          + ":" + port + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 200") && !status.startsWith("HTTP/1.0 200")) {
        s.close();
        throw new IOException("CONNECT refused: " + status);
      }
      while (!line(in).isEmpty()) {
        // headers of the 200
      }
      return s;
    }

    /** Reads a response head; returns its Content-Length. */
    private static long head(InputStream in) throws IOException {
      String status = line(in);
      if (!status.startsWith("HTTP/1.1 200")) {
        throw new IOException("status " + status);
      }
      long length = 0;
      for (String l = line(in); !l.isEmpty(); l = line(in)) {
        if (l.regionMatches(true, 0, "Content-Length:", 0, 15)) {
          length = Long.parseLong(l.substring(15).trim());
        }
      }
      return length;
    }

    /** One line without CRLF, read byte by byte (unbuffered before TLS, buffered after). */
    private static String line(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new IOException("closed");
        }
        if (c != '\r') {
          b.append((char) c);
        }
      }
      return b.toString();
    }
  }

  private static final class TrustAll implements X509TrustManager {
    public void checkClientTrusted(X509Certificate[] c, String t) {}

    public void checkServerTrusted(X509Certificate[] c, String t) {}

    public X509Certificate[] getAcceptedCertificates() {
      return new X509Certificate[0];
    }

    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
