package org.webfilter.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads a list archive over HTTP(S) to a file, with the JDK client: bounded time to connect and to
 * get the response headers, a stall limit while the body arrives (no byte for that long aborts), a size
 * limit, and progress in MB.
 */
final class ListDownload {
  static final long MAX_BYTES = 1L << 30;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HEADERS_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);
  private static final long PROGRESS_EVERY = 5L << 20;

  private ListDownload() {}

  /** Writes the body of a {@code 200} answer to {@code uri} into {@code to}. */
  static long fetch(URI uri, Path to, PrintStream out) throws ImportFailure {
    HttpClient client = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL) // never from https to http
        .build();
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(HEADERS_TIMEOUT)
        .header("User-Agent", "webfilter-lists-import")
        .GET()
        .build();
    out.println("downloading " + uri + " ...");
    HttpResponse<InputStream> response;
    try {
      response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (IOException e) {
      throw new ImportFailure("GET " + uri + ": " + describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImportFailure("GET " + uri + ": interrupted", e);
    }
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new ImportFailure("GET " + uri + ": HTTP " + response.statusCode() + " (expected 200)");
      }
      long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      if (expected > MAX_BYTES) {
        throw new ImportFailure("GET " + uri + ": " + mb(expected) + " MB is more than the " + mb(MAX_BYTES) + " MB allowed");
      }
      long n = copy(body, to, uri, expected, out);
      out.printf("downloaded %s MB%n", mb(n));
      return n;
    } catch (IOException e) {
      throw new ImportFailure("GET " + uri + ": " + describe(e), e);
    }
  }

  private static long copy(InputStream body, Path to, URI uri, long expected, PrintStream out)
      throws IOException, ImportFailure {
    AtomicLong lastProgress = new AtomicLong(System.nanoTime());
    ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "lists-download-watchdog");
      t.setDaemon(true);
      return t;
    });
    // The client has no read timeout for a body: closing the stream is how a stalled read is ended.
    watchdog.scheduleAtFixedRate(() -> {
      if (System.nanoTime() - lastProgress.get() > STALL_TIMEOUT.toNanos()) {
        try {
          body.close();
        } catch (IOException ignored) {
          // the reader sees the stream closed either way
        }
      }
    }, 1, 1, TimeUnit.SECONDS);
    long total = 0;
    long nextReport = PROGRESS_EVERY;
    byte[] buf = new byte[1 << 16];
    try (OutputStream file = Files.newOutputStream(to)) {
      for (int n; (n = body.read(buf)) >= 0; ) {
        lastProgress.set(System.nanoTime());
        total += n;
        if (total > MAX_BYTES) {
          throw new ImportFailure("GET " + uri + ": more than the " + mb(MAX_BYTES) + " MB allowed");
        }
        file.write(buf, 0, n);
        if (total >= nextReport) {
          out.println("  " + mb(total) + (expected > 0 ? " of " + mb(expected) : "") + " MB");
          nextReport += PROGRESS_EVERY;
        }
      }
    } catch (IOException e) {
      if (System.nanoTime() - lastProgress.get() > STALL_TIMEOUT.toNanos()) {
        throw new ImportFailure("GET " + uri + ": no data for " + STALL_TIMEOUT.toSeconds() + " s", e);
      }
      throw e;
    } finally {
      watchdog.shutdownNow();
    }
    if (expected >= 0 && total != expected) {
      throw new ImportFailure("GET " + uri + ": got " + total + " bytes of the " + expected + " announced");
    }
    return total;
  }

  private static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  static String mb(long bytes) {
    return String.format("%.1f", bytes / 1048576.0);
  }
}
