package org.webfilter.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.webfilter.ui.TestEvents.T0;
import static org.webfilter.ui.TestEvents.event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.EventCodec;

class EventStoreTest {
  @TempDir Path dir;
  EventStore store;

  @BeforeEach
  void open() throws IOException {
    store = EventStore.open(dir);
    store.add(
        List.of(
            TestEvents.event(
                UUID.randomUUID(),
                T0.plusSeconds(1),
                "alice",
                "pupil",
                "10.0.0.1",
                "www.bbc.co.uk",
                "https://www.bbc.co.uk/news/volcanoes",
                null,
                Verdict.ALLOW,
                "news"),
            TestEvents.event(
                UUID.randomUUID(),
                T0.plusSeconds(2),
                "bob",
                "staff",
                "10.0.0.2",
                "bet.example",
                "https://bet.example/casino?x=1",
                null,
                Verdict.BLOCK,
                "gambling",
                "adult"),
            TestEvents.event(
                UUID.randomUUID(),
                T0.plusSeconds(3),
                null,
                "pupil",
                "10.0.0.3",
                "www.google.com",
                "https://www.google.com/search?q=how+to+cope",
                "how to cope with exams",
                Verdict.LOG,
                "self-harm"),
            TestEvents.event(
                UUID.randomUUID(),
                T0.plusSeconds(4),
                "alice",
                "pupil",
                "10.0.0.1",
                "bbc.co.uk",
                "https://bbc.co.uk/",
                null,
                Verdict.ALLOW)));
    store.commit();
  }

  @AfterEach
  void close() throws IOException {
    store.close();
  }

  private List<String> urls(EventQuery q) throws IOException {
    return store.search(q).events().stream().map(AccessEvent::url).toList();
  }

  private static EventQuery where(String field, String value) {
    EventQuery a = EventQuery.all();
    return new EventQuery(
        field.equals("user") ? value : null,
        field.equals("role") ? value : null,
        field.equals("ip") ? value : null,
        field.equals("host") ? value : null,
        field.equals("category") ? value : null,
        field.equals("decision") ? Verdict.valueOf(value) : null,
        field.equals("q") ? value : null,
        null,
        null,
        a.limit(),
        null);
  }

  @Test
  void search_returnsNewestFirst_withoutFilters() throws IOException {
    assertEquals(
        List.of(
            "https://bbc.co.uk/",
            "https://www.google.com/search?q=how+to+cope",
            "https://bet.example/casino?x=1",
            "https://www.bbc.co.uk/news/volcanoes"),
        urls(EventQuery.all()));
  }

  @Test
  void search_filtersByEachField() throws IOException {
    assertEquals(2, urls(where("user", "alice")).size());
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("role", "staff")));
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("ip", "10.0.0.2")));
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("category", "adult")));
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("category", "gambling")));
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("decision", "BLOCK")));
    assertEquals(
        List.of("https://www.google.com/search?q=how+to+cope"), urls(where("decision", "LOG")));
    assertEquals(List.of(), urls(where("user", "nobody")));
  }

  @Test
  void search_byHost_matchesHostAndSubdomains() throws IOException {
    assertEquals(
        List.of("https://bbc.co.uk/", "https://www.bbc.co.uk/news/volcanoes"),
        urls(where("host", "bbc.co.uk")));
    assertEquals(
        List.of("https://www.bbc.co.uk/news/volcanoes"), urls(where("host", "WWW.BBC.CO.UK")));
    assertEquals(List.of(), urls(where("host", "bc.co.uk")));
  }

  @Test
  void search_freeText_matchesUrlWordsAndSearchTerms() throws IOException {
    assertEquals(List.of("https://www.bbc.co.uk/news/volcanoes"), urls(where("q", "volcanoes")));
    assertEquals(List.of("https://bet.example/casino?x=1"), urls(where("q", "CASINO")));
    assertEquals(List.of("https://www.google.com/search?q=how+to+cope"), urls(where("q", "exams")));
    // every word must match; a dotted word is a phrase
    assertEquals(
        List.of("https://www.google.com/search?q=how+to+cope"), urls(where("q", "cope exams")));
    assertEquals(List.of(), urls(where("q", "volcanoes exams")));
    assertEquals(2, urls(where("q", "bbc.co.uk")).size());
    assertEquals(List.of(), urls(where("q", "uk.co.bbc")));
  }

  @Test
  void search_byTimeRange_fromInclusiveToExclusive() throws IOException {
    EventQuery q =
        new EventQuery(
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            T0.plusSeconds(2),
            T0.plusSeconds(4),
            50,
            null);
    assertEquals(
        List.of("https://www.google.com/search?q=how+to+cope", "https://bet.example/casino?x=1"),
        urls(q));
  }

  @Test
  void add_sameEventIdTwice_keepsOneCopy() throws IOException {
    AccessEvent e = event(100, "carol", "dup.example", "https://dup.example/", Verdict.ALLOW);
    store.add(List.of(e, e));
    store.commit();
    store.add(List.of(e));
    store.commit();
    assertEquals(1, store.search(where("user", "carol")).events().size());
  }

  @Test
  void search_returnsEventsExactlyAsAdded() throws IOException {
    AccessEvent e =
        TestEvents.event(
            UUID.randomUUID(),
            T0.plusMillis(123_456),
            "dave",
            "pupil",
            "10.0.0.9",
            "x.test",
            "http://x.test/?<b>",
            "terms",
            Verdict.BLOCK,
            "chat");
    store.add(List.of(e));
    store.commit();
    assertEquals(List.of(e), store.search(where("user", "dave")).events());
  }

  @Test
  void search_decodesTheGoldenFixtures() throws IOException {
    Path fixtures = Path.of("../events/src/test/resources/fixtures");
    assertTrue(Files.isDirectory(fixtures), "events fixtures not found at " + fixtures.toAbsolutePath());
    List<AccessEvent> golden = new ArrayList<>();
    try (var files = Files.list(fixtures)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("access-event-v1")).toList()) {
        golden.add(EventCodec.decode(Files.readAllBytes(f)));
      }
    }
    store.add(golden);
    store.commit();
    for (AccessEvent e : golden) {
      EventQuery byIp = where("ip", e.clientIp());
      assertEquals(
          List.of(e),
          store.search(byIp).events().stream()
              .filter(x -> x.eventId().equals(e.eventId()))
              .toList());
    }
  }

  @Test
  void paging_walksAllEvents_withoutDuplicatesOrGaps() throws IOException {
    List<AccessEvent> many = new ArrayList<>();
    for (int i = 0; i < 57; i++) {
      // pairs share a timestamp, so the id tie-break is exercised
      many.add(event(1000 + i / 2, "paged", "p.example", "https://p.example/" + i, Verdict.ALLOW));
    }
    store.add(many);
    store.commit();
    Set<String> seen = new HashSet<>();
    List<AccessEvent> walked = new ArrayList<>();
    EventQuery q = where("user", "paged").withLimit(10);
    int pages = 0;
    while (true) {
      Page page = store.search(q);
      pages++;
      walked.addAll(page.events());
      page.events().forEach(e -> seen.add(e.eventId().toString()));
      if (page.nextCursor() == null) {
        break;
      }
      // an event arriving between pages must not shift the walk
      store.add(
          List.of(
              event(5000 + pages, "paged", "p.example", "https://p.example/new", Verdict.ALLOW)));
      store.commit();
      q = q.withCursor(Cursor.decode(page.nextCursor()));
    }
    assertEquals(6, pages);
    assertEquals(57, walked.size());
    assertEquals(57, seen.size());
    for (int i = 1; i < walked.size(); i++) {
      assertEquals(
          true, !walked.get(i).time().isAfter(walked.get(i - 1).time()), "newest first at " + i);
    }
  }

  @Test
  void paging_lastFullPage_hasNoNextCursor() throws IOException {
    Page p = store.search(EventQuery.all().withLimit(4));
    assertEquals(4, p.events().size());
    assertNull(p.nextCursor());
    Page first = store.search(EventQuery.all().withLimit(3));
    assertNotNull(first.nextCursor());
  }

  @Test
  void reopen_keepsCommittedEvents() throws IOException {
    store.close();
    store = EventStore.open(dir);
    assertEquals(4, store.search(EventQuery.all()).events().size());
  }
}
