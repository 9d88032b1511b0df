package org.webfilter.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.SortedSetDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.EventCodec;

/**
 * Access events in a Lucene index on disk. Adding is idempotent by {@code eventId}, so Kafka's
 * at-least-once delivery never shows an event twice. Searches see what was added up to the last
 * {@link #commit()}. Thread-safe: one ingest thread adds, many request threads search.
 */
final class EventStore implements AutoCloseable {
  private static final String ID = "eventId";
  private static final String TIME = "time";
  private static final String HOST_SUFFIX = "hostSuffix";
  private static final String JSON = "json";

  /**
   * The tie-break after time: the high 64 bits of the event id as a number. Sorting on the id
   * string instead looked up a compressed term for every competitive hit, which was most of a
   * search's time at 10 M events (docs/benchmarks.md).
   */
  private static final String ID_ORDER = "idOrder";

  private static final Sort NEWEST_FIRST =
      new Sort(
          new SortField(TIME, SortField.Type.LONG, true),
          new SortField(ID_ORDER, SortField.Type.LONG, true));
  private static final Sort OLDEST_FIRST =
      new Sort(
          new SortField(TIME, SortField.Type.LONG), new SortField(ID_ORDER, SortField.Type.LONG));

  /** Indexes made before {@link #ID_ORDER} existed (unsorted), still searched the old way. */
  private static final Sort LEGACY_NEWEST_FIRST =
      new Sort(
          new SortField(TIME, SortField.Type.LONG, true),
          new SortField(ID, SortField.Type.STRING, true));

  private static final Sort LEGACY_OLDEST_FIRST =
      new Sort(new SortField(TIME, SortField.Type.LONG), new SortField(ID, SortField.Type.STRING));
  private static final java.util.regex.Pattern NOT_WORD =
      java.util.regex.Pattern.compile("[^\\p{L}\\p{N}]+");

  /** Free-text words past this are ignored, to bound the cost of one query. */
  private static final int MAX_WORDS = 16;

  private final Analyzer analyzer = new StandardAnalyzer();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;

  /**
   * Whether segments are sorted newest first (index sort = {@link #NEWEST_FIRST}), so that a search
   * stops in each segment after the first page of hits instead of visiting every match. False only
   * for an index written before this layout (searched the old way); moving that index aside before
   * a start rebuilds it from Kafka in the new layout, with only the events Kafka still retains.
   */
  private final boolean sorted;

  private final Sort newestFirst;
  private final Sort oldestFirst;

  private EventStore(Path dir) throws IOException {
    directory = FSDirectory.open(dir);
    IndexWriter w = null;
    try {
      sorted = !holdsUnsortedSegments(directory);
      newestFirst = sorted ? NEWEST_FIRST : LEGACY_NEWEST_FIRST;
      oldestFirst = sorted ? OLDEST_FIRST : LEGACY_OLDEST_FIRST;
      IndexWriterConfig cfg =
          new IndexWriterConfig(analyzer)
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              // Bigger flushes mean fewer segments to merge while a rebuild reads millions of
              // events.
              .setRAMBufferSizeMB(64);
      if (sorted) {
        cfg.setIndexSort(NEWEST_FIRST);
      }
      boolean fresh = !org.apache.lucene.index.DirectoryReader.indexExists(directory);
      w = new IndexWriter(directory, cfg);
      if (fresh) {
        w.commit(); // an empty commit, so that the next start sees an index, not a missing one
      }
      searchers = new SearcherManager(w, null);
    } catch (IOException | RuntimeException e) {
      // Release the lock and files, so a broken index can be moved aside and a new one opened.
      org.apache.lucene.util.IOUtils.closeWhileHandlingException(w, directory);
      throw e;
    }
    writer = w;
  }

  /** Whether the committed index has segments written without the newest-first index sort. */
  private static boolean holdsUnsortedSegments(Directory d) throws IOException {
    if (!org.apache.lucene.index.DirectoryReader.indexExists(d)) {
      return false;
    }
    for (var si : org.apache.lucene.index.SegmentInfos.readLatestCommit(d)) {
      if (!NEWEST_FIRST.equals(si.info.getIndexSort())) {
        return true;
      }
    }
    return false;
  }

  /** Opens (or creates) the index in {@code dir}; only one process may hold it open. */
  static EventStore open(Path dir) {
    try {
      return new EventStore(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open event index " + dir, e);
    }
  }

  /** Adds or replaces each event by id; visible to searches after {@link #commit()}. */
  void add(List<AccessEvent> events) throws IOException {
    for (AccessEvent e : events) {
      String id = e.eventId().toString();
      writer.updateDocument(new Term(ID, id), toDocument(e, id));
    }
  }

  /** Makes added events durable and searchable. */
  void commit() throws IOException {
    writer.commit();
    searchers.maybeRefreshBlocking();
  }

  /** Makes added events searchable (near-real-time) without the cost of a durable commit. */
  void refresh() throws IOException {
    searchers.maybeRefreshBlocking();
  }

  Page search(EventQuery query) throws IOException {
    return search(query, newestFirst);
  }

  /**
   * The first {@code query.limit()} matches oldest first (no cursor, no next page): the timeline
   * reads forward from a moment.
   */
  List<AccessEvent> searchOldestFirst(EventQuery query) throws IOException {
    return search(query.withCursor(null), oldestFirst).events();
  }

  /** How many events match {@code query}'s filters (limit and cursor ignored). */
  int count(EventQuery query) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      return searcher.count(toLucene(query));
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Deletes every event older than {@code cutoff} and commits.
   *
   * @return how many were deleted
   */
  long deleteOlderThan(Instant cutoff) throws IOException {
    Query old = LongPoint.newRangeQuery(TIME, Long.MIN_VALUE, cutoff.toEpochMilli() - 1);
    searchers.maybeRefreshBlocking();
    IndexSearcher searcher = searchers.acquire();
    long n;
    try {
      n = searcher.count(old);
    } finally {
      searchers.release(searcher);
    }
    if (n > 0) {
      writer.deleteDocuments(old);
      commit();
    }
    return n;
  }

  /** Empties the index (before a rebuild from Kafka) and commits. */
  void deleteAll() throws IOException {
    writer.deleteAll();
    commit();
  }

  /** Size and age of what is searchable now. */
  record Stats(int events, Instant oldest, Instant newest, long bytesOnDisk) {}

  Stats stats() throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      int n = searcher.getIndexReader().numDocs();
      Instant oldest = n == 0 ? null : firstTime(searcher, oldestFirst);
      Instant newest = n == 0 ? null : firstTime(searcher, newestFirst);
      long bytes = 0;
      for (String f : directory.listAll()) {
        try {
          bytes += directory.fileLength(f);
        } catch (java.nio.file.NoSuchFileException e) {
          // merged away while listing
        }
      }
      return new Stats(n, oldest, newest, bytes);
    } finally {
      searchers.release(searcher);
    }
  }

  private static Instant firstTime(IndexSearcher searcher, Sort sort) throws IOException {
    TopFieldDocs top = searcher.search(new MatchAllDocsQuery(), 1, sort);
    return top.scoreDocs.length == 0
        ? null
        : Instant.ofEpochMilli((Long) ((FieldDoc) top.scoreDocs[0]).fields[0]);
  }

  private Page search(EventQuery query, Sort sort) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      int maxDoc = searcher.getIndexReader().maxDoc();
      if (maxDoc == 0) {
        return new Page(List.of(), null);
      }
      FieldDoc after = null;
      if (query.cursor() != null) {
        // Ids are unique, so only the cursor's own event ties on (time, id); the highest doc id
        // excludes it.
        after =
            new FieldDoc(
                maxDoc - 1,
                Float.NaN,
                new Object[] {
                  query.cursor().timeMillis(),
                  sorted
                      ? (Object) idOrder(query.cursor().eventId())
                      : new BytesRef(query.cursor().eventId())
                });
      }
      // One extra hit tells whether there is a next page.
      TopFieldDocs top =
          searcher.searchAfter(after, toLucene(query), query.limit() + 1, sort, false);
      List<AccessEvent> events = new ArrayList<>();
      int n = Math.min(top.scoreDocs.length, query.limit());
      var stored = searcher.storedFields();
      for (int i = 0; i < n; i++) {
        BytesRef json = stored.document(top.scoreDocs[i].doc).getBinaryValue(JSON);
        events.add(EventCodec.decode(BytesRef.deepCopyOf(json).bytes));
      }
      String next = null;
      if (top.scoreDocs.length > query.limit()) {
        AccessEvent last = events.get(events.size() - 1);
        next = new Cursor(last.time().toEpochMilli(), last.eventId().toString()).encode();
      }
      return new Page(events, next);
    } finally {
      searchers.release(searcher);
    }
  }

  private Document toDocument(AccessEvent e, String id) {
    Document d = new Document();
    d.add(new StringField(ID, id, Field.Store.NO));
    d.add(new SortedDocValuesField(ID, new BytesRef(id)));
    d.add(new NumericDocValuesField(ID_ORDER, e.eventId().getMostSignificantBits()));
    long millis = e.time().toEpochMilli();
    d.add(new LongPoint(TIME, millis));
    d.add(new NumericDocValuesField(TIME, millis));
    d.add(new StoredField(TIME, millis));
    keyword(d, "user", e.user());
    keyword(d, "role", e.role());
    keyword(d, "clientIp", e.clientIp());
    if (e.host() != null) {
      String host = normaliseHost(e.host());
      keyword(d, "host", host);
      for (String suffix : suffixes(host)) {
        d.add(new StringField(HOST_SUFFIX, suffix, Field.Store.NO));
      }
    }
    for (String c : e.categories()) {
      keyword(d, "category", c);
    }
    keyword(d, "decision", e.decision().name());
    keyword(d, "rule", e.rule());
    if (e.url() != null) {
      d.add(new TextField("url", words(e.url()), Field.Store.NO));
    }
    if (e.searchTerms() != null) {
      d.add(new TextField("searchTerms", words(e.searchTerms()), Field.Store.NO));
    }
    // Doc values for the reports' aggregates (Reports): read column-wise, without decoding JSON.
    docValue(d, DV_USER, e.user());
    docValue(d, DV_HOST, e.host() == null ? null : normaliseHost(e.host()));
    docValue(d, DV_DECISION, e.decision().name());
    docValue(d, DV_SEARCH, e.searchTerms() == null ? null
        : e.searchTerms().length() > 512 ? e.searchTerms().substring(0, 512) : e.searchTerms());
    for (String c : new java.util.TreeSet<>(e.categories())) {
      d.add(new SortedSetDocValuesField(DV_CATEGORY, new BytesRef(c)));
    }
    d.add(new StoredField(JSON, EventCodec.encode(e)));
    return d;
  }

  static final String DV_USER = "dv.user";
  static final String DV_HOST = "dv.host";
  static final String DV_DECISION = "dv.decision";
  static final String DV_SEARCH = "dv.search";
  static final String DV_CATEGORY = "dv.category";

  private static void docValue(Document d, String field, String value) {
    if (value != null && !value.isEmpty()) {
      d.add(new SortedDocValuesField(field, new BytesRef(value)));
    }
  }

  /** One matching event as the reports see it (fields may be null). */
  record Row(long timeMillis, String user, String host, String decision, String searchTerms, List<String> categories) {}

  /**
   * Visits every event matching {@code query} (its filters only; limit and cursor are ignored), at most
   * {@code max} of them, reading doc values only.
   *
   * @return how many were visited
   */
  long scan(EventQuery query, long max, java.util.function.Consumer<Row> visitor) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      long[] seen = {0};
      searcher.search(toLucene(query), new org.apache.lucene.search.SimpleCollector() {
        org.apache.lucene.index.NumericDocValues time;
        org.apache.lucene.index.SortedDocValues user;
        org.apache.lucene.index.SortedDocValues host;
        org.apache.lucene.index.SortedDocValues decision;
        org.apache.lucene.index.SortedDocValues search;
        org.apache.lucene.index.SortedSetDocValues category;

        @Override
        protected void doSetNextReader(org.apache.lucene.index.LeafReaderContext ctx) throws IOException {
          var r = ctx.reader();
          time = org.apache.lucene.index.DocValues.getNumeric(r, TIME);
          user = org.apache.lucene.index.DocValues.getSorted(r, DV_USER);
          host = org.apache.lucene.index.DocValues.getSorted(r, DV_HOST);
          decision = org.apache.lucene.index.DocValues.getSorted(r, DV_DECISION);
          search = org.apache.lucene.index.DocValues.getSorted(r, DV_SEARCH);
          category = org.apache.lucene.index.DocValues.getSortedSet(r, DV_CATEGORY);
        }

        @Override
        public void collect(int doc) throws IOException {
          if (seen[0] >= max) {
            throw new org.apache.lucene.search.CollectionTerminatedException();
          }
          seen[0]++;
          long t = time.advanceExact(doc) ? time.longValue() : 0;
          List<String> cats = new ArrayList<>();
          if (category.advanceExact(doc)) {
            for (int i = 0; i < category.docValueCount(); i++) {
              cats.add(category.lookupOrd(category.nextOrd()).utf8ToString());
            }
          }
          visitor.accept(new Row(t, value(user, doc), value(host, doc), value(decision, doc), value(search, doc), cats));
        }

        private String value(org.apache.lucene.index.SortedDocValues dv, int doc) throws IOException {
          return dv.advanceExact(doc) ? dv.lookupOrd(dv.ordValue()).utf8ToString() : null;
        }

        @Override
        public org.apache.lucene.search.ScoreMode scoreMode() {
          return org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES;
        }
      });
      return seen[0];
    } finally {
      searchers.release(searcher);
    }
  }

  private static long idOrder(String eventId) {
    return java.util.UUID.fromString(eventId).getMostSignificantBits();
  }

  private static void keyword(Document d, String field, String value) {
    if (value != null) {
      d.add(new StringField(field, value, Field.Store.NO));
    }
  }

  private Query toLucene(EventQuery q) throws IOException {
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    term(b, "user", q.user());
    term(b, "role", q.role());
    term(b, "clientIp", q.ip());
    term(b, HOST_SUFFIX, q.host() == null ? null : normaliseHost(q.host()));
    term(b, "category", q.category());
    term(b, "decision", q.decision() == null ? null : q.decision().name());
    if (q.from() != null || q.to() != null) {
      long from = q.from() == null ? Long.MIN_VALUE : q.from().toEpochMilli();
      long to = q.to() == null ? Long.MAX_VALUE : q.to().toEpochMilli() - 1; // "to" is exclusive
      b.add(LongPoint.newRangeQuery(TIME, from, to), Occur.FILTER);
    }
    if (q.q() != null) {
      freeText(b, q.q());
    }
    BooleanQuery built = b.build();
    return built.clauses().isEmpty() ? new MatchAllDocsQuery() : built;
  }

  private static void term(BooleanQuery.Builder b, String field, String value) {
    if (value != null) {
      b.add(new TermQuery(new Term(field, value)), Occur.FILTER);
    }
  }

  /**
   * Every word of {@code text} must occur in the URL or the search terms (a dotted word as a
   * phrase).
   */
  private void freeText(BooleanQuery.Builder b, String text) throws IOException {
    String[] words = text.trim().split("\\s+");
    for (int i = 0; i < Math.min(words.length, MAX_WORDS); i++) {
      List<String> tokens = tokens(words(words[i]));
      if (tokens.isEmpty()) {
        continue;
      }
      BooleanQuery.Builder either = new BooleanQuery.Builder();
      for (String field : List.of("url", "searchTerms")) {
        either.add(phrase(field, tokens), Occur.SHOULD);
      }
      b.add(either.build(), Occur.FILTER);
    }
  }

  private static Query phrase(String field, List<String> tokens) {
    if (tokens.size() == 1) {
      return new TermQuery(new Term(field, tokens.get(0)));
    }
    return new PhraseQuery(field, tokens.toArray(String[]::new));
  }

  private List<String> tokens(String text) throws IOException {
    List<String> out = new ArrayList<>();
    try (TokenStream ts = analyzer.tokenStream("url", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    return out;
  }

  /**
   * Splits URLs into words: StandardAnalyzer keeps {@code www.example.com} as one token, but people
   * search for {@code example}.
   */
  private static String words(String s) {
    return NOT_WORD.matcher(s).replaceAll(" ");
  }

  private static String normaliseHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  /** {@code a.b.c} -> {@code a.b.c, b.c, c}, so a search for {@code b.c} finds its subdomains. */
  private static List<String> suffixes(String host) {
    List<String> out = new ArrayList<>();
    out.add(host);
    for (int i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) {
      if (i + 1 < host.length()) {
        out.add(host.substring(i + 1));
      }
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    searchers.close();
    writer.close();
    directory.close();
  }
}
