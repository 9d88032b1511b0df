package org.webfilter.ui;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.webfilter.events.AccessEvent;

/**
 * The search benchmark's handle on the logs UI's package-private {@link EventStore}, so that it
 * runs the production code (query parsing as {@code /api/events} does it, the Lucene query,
 * decoding the page) without widening the logs-ui module's public API. Lives in the benchmarks
 * module only.
 */
public final class EventStoreBench implements AutoCloseable {
  /** One page: how many events it held and the cursor to the next (null on the last). */
  public record Result(int events, String nextCursor) {}

  private final EventStore store;

  private EventStoreBench(EventStore store) {
    this.store = store;
  }

  public static EventStoreBench open(Path dir) {
    return new EventStoreBench(EventStore.open(dir));
  }

  public void add(List<AccessEvent> events) throws IOException {
    store.add(events);
  }

  public void commit() throws IOException {
    store.commit();
  }

  public int count() throws IOException {
    return store.count(EventQuery.all());
  }

  /** One search given as {@code /api/events} query parameters, parsed as the API parses them. */
  public Result search(Map<String, String> params) throws IOException {
    Map<String, List<String>> multi = new java.util.LinkedHashMap<>();
    params.forEach((k, v) -> multi.put(k, List.of(v)));
    Page page = store.search(QueryParams.parse(multi));
    return new Result(page.events().size(), page.nextCursor());
  }

  /** A pupil's timeline as the page loads it: @return how many events it shows */
  public int timeline(String user, java.time.Instant at, int minutes) throws IOException {
    return TimelineRoutes.load(store, new Timeline(user, null, at, minutes, null)).events().size();
  }

  /** The CSV export of a search (parameters as {@code /api/events}): @return the rows written */
  public int exportCsv(Map<String, String> params, int maxRows) throws IOException {
    Map<String, List<String>> multi = new java.util.LinkedHashMap<>();
    params.forEach((k, v) -> multi.put(k, List.of(v)));
    return CsvExportRoutes.write(store, QueryParams.parse(multi), maxRows).rows();
  }

  @Override
  public void close() throws IOException {
    store.close();
  }
}
