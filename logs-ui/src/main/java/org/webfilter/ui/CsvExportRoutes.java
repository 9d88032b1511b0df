package org.webfilter.ui;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.UiRole;

/**
 * A search result as a CSV file for a case file: {@code GET /api/events.csv} takes the parameters
 * of {@code /api/events} and writes every match, newest first, up to {@code limit} rows (default
 * and maximum {@link #MAX_ROWS}). When there were more, the last line says so and the header
 * {@value #CAPPED_HEADER} carries the cap. DSL and admin only; audited with the query before
 * anything is read.
 */
final class CsvExportRoutes {
  static final String PATH = "/api/events.csv";

  /** Enough for a case file; a whole school's day is better narrowed by user or time first. */
  static final int MAX_ROWS = 10_000;

  static final String CAPPED_HEADER = "X-Webfilter-Capped";
  static final List<String> COLUMNS =
      List.of(
          "time",
          "eventId",
          "user",
          "role",
          "clientIp",
          "device",
          "method",
          "host",
          "url",
          "searchTerms",
          "categories",
          "decision",
          "rule",
          "reason",
          "status",
          "bytesIn",
          "bytesOut",
          "durationMs",
          "intercepted",
          "proxyNode");
  private static final DateTimeFormatter FILE_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final Auth auth;
  private final EventStore store;
  private final AuditLog audit;
  private final Clock clock;

  CsvExportRoutes(Auth auth, EventStore store, AuditLog audit, Clock clock) {
    this.auth = auth;
    this.store = store;
    this.audit = audit;
    this.clock = clock;
  }

  void register(RoutesConfig r) {
    r.get(PATH, this::export);
  }

  void export(Context ctx) throws IOException {
    Auth.Principal p = auth.require(ctx, UiRole.DSL, UiRole.ADMIN);
    Map<String, List<String>> params = new LinkedHashMap<>(ctx.queryParamMap());
    // Here limit is the number of rows in the file, not the page size, so it has its own range.
    int maxRows = maxRows(params.remove("limit"));
    Map<String, String> filters = QueryParams.single(params);
    EventQuery query = QueryParams.parse(params).withLimit(EventQuery.MAX_LIMIT);
    Map<String, String> details = new LinkedHashMap<>(filters);
    details.put("maxRows", Integer.toString(maxRows));
    details.put("via", "csv");
    audit.record(p.user().name(), "events.export", details);

    Export export = write(store, query, maxRows);
    if (export.capped()) {
      ctx.header(CAPPED_HEADER, "rows=" + export.rows());
    }
    ctx.header(
        "Content-Disposition",
        "attachment; filename=\"webfilter-events-" + FILE_TIME.format(clock.instant()) + ".csv\"");
    ctx.contentType("text/csv; charset=utf-8").result(export.bytes());
  }

  /** A finished file: UTF-8 bytes, how many event rows, and whether more events matched. */
  record Export(byte[] bytes, int rows, boolean capped) {}

  /** Writes at most {@code maxRows} matches of {@code query}, newest first, a page at a time. */
  static Export write(EventStore store, EventQuery query, int maxRows) throws IOException {
    Csv csv = new Csv().row(COLUMNS);
    int rows = 0;
    boolean more = true;
    while (more && rows < maxRows) {
      Page page = store.search(query.withLimit(Math.min(EventQuery.MAX_LIMIT, maxRows - rows)));
      for (AccessEvent e : page.events()) {
        csv.row(row(e));
        rows++;
      }
      more = page.nextCursor() != null;
      if (more) {
        query = query.withCursor(Cursor.decode(page.nextCursor()));
      }
    }
    if (more) {
      csv.row(
          List.of(
              "# capped at "
                  + rows
                  + " rows: there are more matching events. Narrow the search"
                  + " by user or time and export again to get the rest."));
    }
    // The byte order mark makes Excel read UTF-8 (names, search terms in any language) correctly.
    return new Export(("\uFEFF" + csv).getBytes(StandardCharsets.UTF_8), rows, more);
  }

  private static int maxRows(List<String> limit) {
    List<String> given =
        limit == null
            ? List.of()
            : limit.stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (given.isEmpty()) {
      return MAX_ROWS;
    }
    if (given.size() > 1) {
      throw HttpError.badRequest("limit", "given more than once");
    }
    String s = given.get(0);
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_ROWS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HttpError.badRequest(
        "limit",
        "'"
            + (s.length() > 40 ? s.substring(0, 40) + "..." : s)
            + "' (expected: a number of rows from 1 to "
            + MAX_ROWS
            + ")");
  }

  private static List<Object> row(AccessEvent e) {
    return java.util.Arrays.asList(
        e.time(),
        e.eventId(),
        e.user(),
        e.role(),
        e.clientIp(),
        e.device(),
        e.method(),
        e.host(),
        e.url(),
        e.searchTerms(),
        String.join("; ", e.categories()),
        e.decision(),
        e.rule(),
        e.reason(),
        e.status(),
        e.bytesIn(),
        e.bytesOut(),
        e.durationMs(),
        e.intercepted(),
        e.proxyNode());
  }
}
