package org.webfilter.ui;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import io.javalin.config.RoutesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.UiSettings;

/**
 * The running logs UI: the Kafka ingest thread, the event index in {@code <data-dir>/index}, the
 * audit log {@code <data-dir>/audit.log} and the web server. Start it with {@link #start}; {@link
 * #close()} stops all of it. Tests and the app call the same method, on port 0.
 *
 * <p>At start a missing or damaged index is moved aside and rebuilt from Kafka ({@link
 * IndexRecovery}), and events older than {@link UiSettings#retentionDays()} are purged, then daily
 * ({@link RetentionPurge}).
 */
public final class LogsUi implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogsUi.class);

  private final Javalin web;
  private final EventIngestor ingestor;
  private final EventStore store;

  private final ScheduledExecutorService timer;

  /** How often time-limited allow entries are checked for expiry. */
  static final long EXPIRY_CHECK_SECONDS = 30;

  private final AlertIngestor alertIngestor;
  private final ReviewIngestor reviewIngestor;

  private LogsUi(
      Javalin web,
      EventIngestor ingestor,
      AlertIngestor alertIngestor,
      ReviewIngestor reviewIngestor,
      EventStore store,
      ScheduledExecutorService timer) {
    this.web = web;
    this.ingestor = ingestor;
    this.alertIngestor = alertIngestor;
    this.reviewIngestor = reviewIngestor;
    this.store = store;
    this.timer = timer;
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "logs-ui-timer");
    t.setDaemon(true);
    return t;
  }

  /** Removes expired time-limited allow entries as a new policy version (audited as {@code system}). */
  private static void expire(PolicyEditor editor, AuditLog audit) {
    try {
      PolicyEditor.Version v = editor.expireDue();
      if (v != null) {
        audit.record("system", v.action(), java.util.Map.of("version", Integer.toString(v.version()),
            "diff", String.join("; ", v.diff())));
      }
    } catch (RuntimeException e) {
      LOG.warn("expiring time-limited allow entries failed: {}", e.toString());
    }
  }

  /**
   * Opens the index, starts consuming {@code kafka.accessTopic()} (group {@code webfilter-logs-ui})
   * and {@code kafka.alertsTopic()} (group {@code webfilter-logs-ui-alerts}, kept in {@code
   * <data-dir>/alerts.jsonl})
   * and serves the UI on {@code ui.bind():ui.port()}. Kafka need not be up yet: the ingester
   * retries.
   *
   * @throws UncheckedIOException when the data directory or index cannot be opened
   * @throws RuntimeException when the port cannot be bound
   */
  public static LogsUi start(UiSettings ui, KafkaSettings kafka, Path dataDir, UserStore users) {
    return start(ui, kafka, dataDir, users, null, Clock.systemUTC());
  }

  /**
   * As {@link #start(UiSettings, KafkaSettings, Path, UserStore)}, plus explain, policy editing
   * (overlay {@code <data-dir>/policy-edits.yaml}, history {@code <data-dir>/policy-history.jsonl}),
   * review requests ({@code <data-dir>/review-requests.json}) and the alerts inbox. {@code dataDir} must
   * be the configuration's data directory, so that the edits written here are the ones the policy
   * loader reads.
   */
  public static LogsUi start(
      UiSettings ui, KafkaSettings kafka, Path dataDir, UserStore users, PolicyAccess policy) {
    return start(ui, kafka, dataDir, users, policy, Clock.systemUTC());
  }

  /**
   * As above, and serves {@code metrics} (Prometheus text format) on {@code GET /metrics} without
   * login, like {@code /healthz}: counters only, no personal data.
   */
  public static LogsUi start(
      UiSettings ui,
      KafkaSettings kafka,
      Path dataDir,
      UserStore users,
      PolicyAccess policy,
      Supplier<String> metrics) {
    return start(ui, kafka, dataDir, users, policy, Clock.systemUTC(), metrics);
  }

  static LogsUi start(
      UiSettings ui, KafkaSettings kafka, Path dataDir, UserStore users, Clock clock) {
    return start(ui, kafka, dataDir, users, null, clock);
  }

  /**
   * As {@link #start(UiSettings, KafkaSettings, Path, UserStore)}; a null {@code kafka} ingests
   * nothing.
   */
  static LogsUi start(
      UiSettings ui,
      KafkaSettings kafka,
      Path dataDir,
      UserStore users,
      PolicyAccess policy,
      Clock clock) {
    return start(ui, kafka, dataDir, users, policy, clock, null);
  }

  private static LogsUi start(
      UiSettings ui,
      KafkaSettings kafka,
      Path dataDir,
      UserStore users,
      PolicyAccess policy,
      Clock clock,
      Supplier<String> metrics) {
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data directory " + dataDir, e);
    }
    // Whether this UI ran here before (then a missing index is news, not a first start).
    boolean ranHereBefore = Files.exists(dataDir.resolve("audit.log"));
    Path indexDir = dataDir.resolve("index");
    IndexRecovery.Opened opened = IndexRecovery.open(indexDir, clock);
    EventStore store = opened.store();
    IndexHealth health = new IndexHealth();
    EventIngestor ingestor = null;
    PolicyEditor editor = null;
    ScheduledExecutorService timer = null;
    AlertIngestor alertIngestor = null;
    ReviewIngestor reviewIngestor = null;
    ReviewStore reviewStore = null;
    try {
      AuditLog audit = new AuditLog(dataDir.resolve("audit.log"), clock);
      RetentionPurge purge = new RetentionPurge(store, audit, clock, ui.retentionDays());
      purge.run();
      boolean lost = opened.problem() != null && (opened.damaged() || ranHereBefore);
      if (kafka != null) {
        ingestor = new EventIngestor(kafka, store, health, purge::cutoff);
        if (lost) {
          ingestor.rebuild(opened.problem());
        }
      } else if (lost) {
        health.unrecoverable(opened.problem() + " No Kafka is configured to rebuild it from.");
      }
      Sessions sessions = new Sessions(clock);
      Auth auth = new Auth(users, sessions, new LoginThrottle(clock));
      List<Consumer<RoutesConfig>> more = new ArrayList<>();
      AlertStore alerts = new AlertStore(dataDir.resolve("alerts.jsonl"));
      more.add(new AlertRoutes(auth, alerts, store, audit, clock)::register);
      more.add(new ReportRoutes(auth, new Reports(store), audit, clock)::register);
      more.add(new TimelineRoutes(auth, store, audit, health)::register);
      more.add(new CsvExportRoutes(auth, store, audit, clock)::register);
      more.add(new IndexRoutes(auth, store, indexDir, health, purge, ingestor, audit)::register);
      more.add(
          new AdminRoutes(
                  auth,
                  users,
                  sessions,
                  audit,
                  () -> policy == null ? List.of() : policy.policy().roleNames())
              ::register);
      if (metrics != null) {
        more.add(
            routes ->
                routes.get(
                    "/metrics",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.get())));
      }
      if (policy != null) {
        editor = new PolicyEditor(policy, dataDir, clock);
        PolicyRoutes policyRoutes = new PolicyRoutes(auth, editor, audit, users, clock);
        more.add(policyRoutes::register);
        reviewStore = new ReviewStore(dataDir.resolve("review-requests.json"));
        ReviewRoutes reviews = new ReviewRoutes(auth, reviewStore, editor, audit, clock);
        more.add(reviews::register);
      }
      Javalin web =
          WebApp.create(
              ui,
              auth,
              new LoginRoutes(auth, sessions, audit),
              new EventRoutes(auth, store, audit, health),
              more);
      web.start();
      timer = Executors.newSingleThreadScheduledExecutor(LogsUi::daemon);
      long day = RetentionPurge.INTERVAL.toSeconds();
      timer.scheduleAtFixedRate(purge, day, day, TimeUnit.SECONDS);
      if (editor != null) {
        PolicyEditor e = editor;
        timer.scheduleWithFixedDelay(() -> expire(e, audit), 5, EXPIRY_CHECK_SECONDS, TimeUnit.SECONDS);
      }
      if (kafka != null) {
        ingestor.start();
        alertIngestor = new AlertIngestor(kafka, alerts);
        alertIngestor.start();
        if (reviewStore != null) { // requests pupils made from the proxy's block pages
          reviewIngestor = new ReviewIngestor(kafka, reviewStore, audit);
          reviewIngestor.start();
        }
      }
      LOG.info("logs UI on http://{}:{}", ui.bind(), web.port());
      return new LogsUi(web, ingestor, alertIngestor, reviewIngestor, store, timer);
    } catch (RuntimeException e) {
      if (timer != null) {
        timer.shutdownNow();
      }
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
    if (timer != null) {
      timer.shutdownNow();
    }
    web.stop();
    if (ingestor != null) {
      ingestor.close();
    }
    if (alertIngestor != null) {
      alertIngestor.close();
    }
    if (reviewIngestor != null) {
      reviewIngestor.close();
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
