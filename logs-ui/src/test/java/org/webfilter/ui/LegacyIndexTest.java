package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.webfilter.ui.TestEvents.T0;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.EventCodec;

/**
 * An index written before the newest-first index sort and the numeric id tie-break (as the UI wrote
 * it until issue 7) still opens, searches, pages and takes new events, so an upgrade never loses
 * history that Kafka no longer has.
 */
class LegacyIndexTest {
  @TempDir Path dir;

  @Test
  void unsortedIndexWithoutIdOrder_stillPagesThroughTies_andTakesNewEvents() throws Exception {
    List<AccessEvent> old = new ArrayList<>();
    try (FSDirectory d = FSDirectory.open(dir);
        IndexWriter w = new IndexWriter(d, new IndexWriterConfig(new StandardAnalyzer()))) {
      for (int i = 0; i < 7; i++) {
        AccessEvent e =
            TestEvents.event(
                UUID.randomUUID(),
                T0.plusSeconds(i / 2),
                "old",
                "pupil",
                "10.0.0.1",
                "o.test",
                "https://o.test/" + i,
                null,
                Verdict.ALLOW,
                "news");
        old.add(e);
        Document doc = new Document(); // the fields the UI wrote then
        doc.add(new StringField("eventId", e.eventId().toString(), Field.Store.NO));
        doc.add(new SortedDocValuesField("eventId", new BytesRef(e.eventId().toString())));
        doc.add(new LongPoint("time", e.time().toEpochMilli()));
        doc.add(new NumericDocValuesField("time", e.time().toEpochMilli()));
        doc.add(new StringField("user", "old", Field.Store.NO));
        doc.add(new StoredField("json", EventCodec.encode(e)));
        w.addDocument(doc);
      }
      w.commit();
    }
    try (EventStore store = EventStore.open(dir)) {
      store.add(
          List.of(
              TestEvents.event(
                  UUID.randomUUID(),
                  T0.plusSeconds(60),
                  "old",
                  "pupil",
                  "10.0.0.1",
                  "o.test",
                  "https://o.test/new",
                  null,
                  Verdict.ALLOW,
                  "news")));
      store.commit();
      Set<UUID> seen = new HashSet<>();
      EventQuery q = new EventQuery("old", null, null, null, null, null, null, null, null, 3, null);
      List<String> urls = new ArrayList<>();
      while (true) {
        Page p = store.search(q);
        p.events()
            .forEach(
                e -> {
                  seen.add(e.eventId());
                  urls.add(e.url());
                });
        if (p.nextCursor() == null) {
          break;
        }
        q = q.withCursor(Cursor.decode(p.nextCursor()));
      }
      assertEquals(8, seen.size(), "every event once: " + urls);
      assertEquals("https://o.test/new", urls.get(0));
    }
  }
}
