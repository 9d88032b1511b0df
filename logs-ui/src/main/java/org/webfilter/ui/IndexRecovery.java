package org.webfilter.ui;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the event index, or — when it is missing or will not open (a crash, a full disk, a bad
 * copy) — moves what is there aside to {@code index.broken-<time>} and starts an empty one,
 * reporting why so that the caller can rebuild it from Kafka. The broken copy is kept for a person
 * to look at and delete; nothing is thrown away automatically. An index locked by another process
 * is not broken: that still fails the start.
 */
final class IndexRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRecovery.class);
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  static final String BROKEN_PREFIX = "index.broken-";

  /**
   * The open store and, when it had to be started empty, a sentence saying why (else null); {@code
   * damaged} when there was an index that would not open (not merely none).
   */
  record Opened(EventStore store, String problem, boolean damaged) {}

  private IndexRecovery() {}

  static Opened open(Path dir, Clock clock) {
    boolean existed = hasIndex(dir);
    try {
      EventStore store = EventStore.open(dir);
      return new Opened(store, existed ? null : "The event index was missing.", false);
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof LockObtainFailedException) {
        throw e;
      }
      Path aside = dir.resolveSibling(BROKEN_PREFIX + STAMP.format(clock.instant()));
      if (Files.exists(aside)) {
        aside = dir.resolveSibling(aside.getFileName() + "-" + System.nanoTime());
      }
      LOG.error(
          "event index {} cannot be opened; moving it to {} and rebuilding it from Kafka",
          dir,
          aside,
          e);
      try {
        Files.move(dir, aside);
      } catch (IOException moveFailed) {
        throw new UncheckedIOException(
            "event index " + dir + " is damaged and cannot be moved aside to " + aside, moveFailed);
      }
      return new Opened(
          EventStore.open(dir),
          "The event index could not be opened (damaged files) and was moved aside to "
              + aside.getFileName()
              + ".",
          true);
    }
  }

  /** Whether {@code dir} holds a committed index (a {@code segments_N} file). */
  static boolean hasIndex(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (FSDirectory d = FSDirectory.open(dir)) {
      return DirectoryReader.indexExists(d);
    } catch (IOException e) {
      return true; // something is there; let the open decide whether it is usable
    }
  }

  /** The broken indexes moved aside so far, next to {@code dir}, oldest first. */
  static List<Path> movedAside(Path dir) {
    List<Path> out = new ArrayList<>();
    Path parent = dir.toAbsolutePath().getParent();
    try (Stream<Path> s = Files.list(parent)) {
      s.filter(p -> p.getFileName().toString().startsWith(BROKEN_PREFIX))
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", parent, e.toString());
    }
    return out;
  }
}
