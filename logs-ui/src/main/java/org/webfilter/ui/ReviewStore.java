package org.webfilter.ui;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Review requests from the block page, kept in {@code <data-dir>/review-requests.json} (rewritten
 * atomically on every change; small, because open requests are capped and old decided ones dropped).
 */
final class ReviewStore {
  static final int MAX_OPEN = 1000;
  static final int MAX_KEPT = 5000;
  private static final ObjectMapper JSON =
      new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  /** One request and, once decided, the decision. */
  record Request(
      String id,
      Instant time,
      String url,
      String ref,
      String user,
      String ip,
      String role,
      String rule,
      String reason,
      String remoteIp,
      String status,
      String decidedBy,
      Instant decidedAt,
      String decisionReason,
      String entry,
      Instant expires,
      Integer policyVersion) {
    boolean open() {
      return "open".equals(status);
    }
  }

  private final Path file;
  private final Map<String, Request> byId = new LinkedHashMap<>();

  ReviewStore(Path file) {
    this.file = file;
    if (Files.exists(file)) {
      try {
        List<Request> all = JSON.readValue(file.toFile(), new TypeReference<List<Request>>() {});
        all.forEach(r -> byId.put(r.id(), r));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read review requests " + file, e);
      }
    }
  }

  synchronized Request add(Instant now, String url, String ref, String user, String ip, String role, String rule,
      String reason, String remoteIp) {
    Optional<Request> asked = openFor(url, user, ip);
    if (asked.isPresent()) {
      return asked.get();
    }
    if (queueFull()) {
      throw new HttpError(503, "the review queue is full; please ask a member of staff");
    }
    return put(new Request(UUID.randomUUID().toString(), now, url, ref, user, ip, role, rule, reason, remoteIp,
        "open", null, null, null, null, null, null));
  }

  /**
   * Adds a request the proxy took from a block page ({@link ReviewIngestor}); its id is the event's
   * {@code requestId}, so a re-delivered record is ignored. Also one open request per pupil and page,
   * as for {@link #add}. False when ignored (known already, or the queue is full: logged).
   */
  synchronized boolean addFromProxy(org.webfilter.events.ReviewRequest r) {
    String id = r.requestId().toString();
    if (byId.containsKey(id) || openFor(r.url(), r.user(), r.clientIp()).isPresent()) {
      return false;
    }
    if (queueFull()) {
      org.slf4j.LoggerFactory.getLogger(ReviewStore.class)
          .warn("review queue full ({} open): request {} for {} not added", MAX_OPEN, id, r.url());
      return false;
    }
    put(new Request(id, r.time(), r.url(), r.ref().toString(), r.user(), r.clientIp(), r.role(), r.rule(),
        r.pupilReason(), "proxy " + (r.proxyNode() == null ? "" : r.proxyNode()), "open", null, null, null, null, null,
        null));
    return true;
  }

  /** The open request of this pupil for this page, if any: asking twice makes one request. */
  private Optional<Request> openFor(String url, String user, String ip) {
    return byId.values().stream()
        .filter(r -> r.open() && r.url().equals(url) && java.util.Objects.equals(r.user(), user)
            && java.util.Objects.equals(r.ip(), ip))
        .findFirst();
  }

  private boolean queueFull() {
    return byId.values().stream().filter(Request::open).count() >= MAX_OPEN;
  }

  private Request put(Request r) {
    byId.put(r.id(), r);
    trim();
    save();
    return r;
  }

  synchronized Optional<Request> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  synchronized Request decide(String id, String status, String by, Instant at, String reason, String entry,
      Instant expires, Integer version) {
    Request r = byId.get(id);
    if (r == null) {
      throw new HttpError(404, "no review request " + id);
    }
    if (!r.open()) {
      throw new HttpError(409, "this request was already " + r.status() + " by " + r.decidedBy());
    }
    Request d = new Request(r.id(), r.time(), r.url(), r.ref(), r.user(), r.ip(), r.role(), r.rule(), r.reason(),
        r.remoteIp(), status, by, at, reason, entry, expires, version);
    byId.put(id, d);
    save();
    return d;
  }

  /** Newest first; {@code status} null for all. */
  synchronized List<Request> list(String status) {
    List<Request> out = new ArrayList<>();
    for (Request r : byId.values()) {
      if (status == null || status.equals(r.status())) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(Request::time).reversed());
    return out;
  }

  private void trim() {
    if (byId.size() <= MAX_KEPT) {
      return;
    }
    List<Request> decided = byId.values().stream().filter(r -> !r.open())
        .sorted(Comparator.comparing(Request::time)).toList();
    for (int i = 0; i < decided.size() && byId.size() > MAX_KEPT; i++) {
      byId.remove(decided.get(i).id());
    }
  }

  private void save() {
    try {
      Path dir = file.toAbsolutePath().getParent();
      Path tmp = Files.createTempFile(dir, ".reviews", ".tmp");
      JSON.writeValue(tmp.toFile(), new ArrayList<>(byId.values()));
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write review requests " + file, e);
    }
  }
}
