package org.webfilter.ui;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.UiSettings;

/**
 * The running logs UI: the Kafka ingest thread, the event index in {@code <data-dir>/index}, the
 * audit log {@code <data-dir>/audit.log} and the web server. Start it with {@link #start}; {@link
 * #close()} stops all of it. Tests and the app call the same method, on port 0.
 */
public final class LogsUi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogsUi.class);

  private final Javalin web;
  private final EventIngestor ingestor;
  private final EventStore store;

  private LogsUi(Javalin web, EventIngestor ingestor, EventStore store) {
    this.web = web;
    this.ingestor = ingestor;
    this.store = store;
  }

  /**
   * Opens the index, starts consuming {@code kafka.accessTopic()} (group {@code webfilter-logs-ui})
   * and serves the UI on {@code ui.bind():ui.port()}. Kafka need not be up yet: the ingester
   * retries.
   *
   * @throws UncheckedIOException when the data directory or index cannot be opened
   * @throws RuntimeException when the port cannot be bound
   */
  public static LogsUi start(UiSettings ui, KafkaSettings kafka, Path dataDir, UserStore users) {
    return start(ui, kafka, dataDir, users, Clock.systemUTC());
  }

  /**
   * As {@link #start(UiSettings, KafkaSettings, Path, UserStore)}; a null {@code kafka} ingests
   * nothing.
   */
  static LogsUi start(
      UiSettings ui, KafkaSettings kafka, Path dataDir, UserStore users, Clock clock) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDir, e);
    }
    EventStore store = EventStore.open(dataDir.resolve("index"));
    EventIngestor ingestor = null;
    try {
      AuditLog audit = new AuditLog(dataDir.resolve("audit.log"), clock);
      Sessions sessions = new Sessions(clock);
      Auth auth = new Auth(users, sessions, new LoginThrottle(clock));
      Javalin web =
          WebApp.create(
              ui,
              auth,
              new LoginRoutes(auth, sessions, audit),
              new EventRoutes(auth, store, audit));
      web.start();
      if (kafka != null) {
        ingestor = new EventIngestor(kafka, store);
        ingestor.start();
      }
      LOG.info("logs UI on http://{}:{}", ui.bind(), web.port());
      return new LogsUi(web, ingestor, store);
    } catch (RuntimeException e) {
      closeQuietly(store);
      throw e;
    }
  }

  /** The port the UI listens on (the real one when started on port 0). */
  public int port() {
    return web.port();
  }

  /** Stops the web server, then ingest, then closes the index. */
  @Override
  public void close() {
    web.stop();
    if (ingestor != null) {
      ingestor.close();
    }
    closeQuietly(store);
  }

  private static void closeQuietly(EventStore store) {
    try {
      store.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing the event index failed: {}", e.toString());
    }
  }
}
