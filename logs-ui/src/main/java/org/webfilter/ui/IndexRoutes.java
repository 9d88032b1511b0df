package org.webfilter.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.webfilter.policy.UiRole;

/**
 * The event index for admins: its size, age, retention and health, and a button to rebuild it from
 * Kafka ({@code POST /admin/index/rebuild}, {@code POST /api/index/rebuild}), which is audited.
 */
final class IndexRoutes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Auth auth;
  private final EventStore store;
  private final Path indexDir;
  private final IndexHealth health;
  private final RetentionPurge purge;
  private final EventIngestor ingestor; // null when no Kafka is configured
  private final AuditLog audit;

  IndexRoutes(
      Auth auth,
      EventStore store,
      Path indexDir,
      IndexHealth health,
      RetentionPurge purge,
      EventIngestor ingestor,
      AuditLog audit) {
    this.auth = auth;
    this.store = store;
    this.indexDir = indexDir;
    this.health = health;
    this.purge = purge;
    this.ingestor = ingestor;
    this.audit = audit;
  }

  void register(RoutesConfig r) {
    r.get("/admin/index", ctx -> page(ctx, auth.require(ctx, UiRole.ADMIN), null, null));
    r.post("/admin/index/rebuild", this::rebuildForm);
    r.get("/api/index", this::statusApi);
    r.post("/api/index/rebuild", this::rebuildApi);
  }

  private void rebuild(Auth.Principal p, String via) {
    if (ingestor == null) {
      throw new HttpError(
          409, "no Kafka is configured, so there is nothing to rebuild the index from");
    }
    audit.record(p.user().name(), "index.rebuild", Map.of("via", via));
    ingestor.rebuild("An admin (" + p.user().name() + ") asked for the event index to be rebuilt.");
  }

  void rebuildForm(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ADMIN);
    try {
      if (!"yes".equals(Forms.of(ctx).get("confirm", 8))) {
        throw new HttpError(
            400, "confirm: tick the box to say you want the index emptied and rebuilt");
      }
      rebuild(p, "page");
      page(
          ctx,
          p,
          "Rebuild started: the index was emptied and is being filled again from Kafka.",
          null);
    } catch (HttpError e) {
      if (e.status() != 400 && e.status() != 409) {
        throw e;
      }
      ctx.status(e.status());
      page(ctx, p, null, e.getMessage());
    }
  }

  void rebuildApi(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.ADMIN);
    rebuild(p, "api");
    ctx.status(202);
    EventRoutes.json(ctx, status());
  }

  void statusApi(Context ctx) throws IOException {
    auth.require(ctx, UiRole.ADMIN);
    EventRoutes.json(ctx, status());
  }

  private ObjectNode status() throws IOException {
    EventStore.Stats s = store.stats();
    ObjectNode n = JSON.createObjectNode();
    n.put("events", s.events());
    n.put("oldest", s.oldest() == null ? null : s.oldest().toString());
    n.put("newest", s.newest() == null ? null : s.newest().toString());
    n.put("bytesOnDisk", s.bytesOnDisk());
    n.put("retentionDays", purge.days());
    n.put("ok", health.ok());
    n.put("rebuilding", health.rebuilding());
    n.put("message", health.banner());
    return n;
  }

  private void page(Context ctx, Auth.Principal p, String message, String error)
      throws IOException {
    List<Path> aside = IndexRecovery.movedAside(indexDir);
    ctx.html(
        IndexViews.page(
            p.user(),
            PolicyRoutes.csrf(p),
            health.banner(),
            store.stats(),
            purge,
            aside,
            ingestor != null,
            message,
            error));
  }
}
