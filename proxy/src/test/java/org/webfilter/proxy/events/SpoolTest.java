package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
  private static final long SEGMENT = 64 << 10;

  /** Remembers what the spool reported. */
  static final class Reports implements Spool.Listener {
    final List<String> damage = new ArrayList<>();
    int dropped;

    @Override
    public void dropped(int records, String why) {
      dropped += records;
    }

    @Override
    public void damaged(Path file, long offset, String what, long resumedAt) {
      damage.add(file.getFileName() + "@" + offset + ": " + what);
    }

    @Override
    public void ioFailure(String what) {
      damage.add("io: " + what);
    }
  }

  private final Reports reports = new Reports();

  private Spool open(Path dir) throws IOException {
    return Spool.open(dir, 64L << 20, SEGMENT, Duration.ZERO, reports);
  }

  private static List<OutRecord> records(int from, int to) {
    return IntStream.range(from, to).mapToObj(TestEvents::record).toList();
  }

  /** Reads and commits everything, as the replayer does when Kafka acknowledges every batch. */
  private static List<Integer> drain(Spool spool) throws IOException {
    List<Integer> seen = new ArrayList<>();
    while (spool.hasBacklog()) {
      Spool.Batch b = spool.read(100, 1 << 20);
      b.records().forEach(r -> seen.add(TestEvents.number(r)));
      spool.commit(b.end());
    }
    return seen;
  }

  private static List<Path> segments(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void append_thenRead_returnsRecordsInOrder_acrossSegments(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      assertEquals(2000, spool.append(records(0, 2000)));
      assertTrue(segments(dir).size() > 2, "segments " + segments(dir));
      Spool.Batch first = spool.read(10, 1 << 20);
      OutRecord r0 = first.records().get(0);
      assertEquals(TestEvents.record(0).key(), r0.key());
      assertArrayEquals(TestEvents.record(0).value(), r0.value());
      assertEquals(IntStream.range(0, 2000).boxed().toList(), drain(spool));
    }
    assertEquals(List.of(), reports.damage);
  }

  @Test
  void commit_deletesDeliveredSegments_andADrainedSpoolTakesNoDisk(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      spool.append(records(0, 2000));
      int before = segments(dir).size();
      Spool.Batch b = spool.read(1000, 1 << 30);
      spool.commit(b.end());
      assertTrue(segments(dir).size() < before, "no segment deleted");
      drain(spool);
      assertFalse(spool.hasBacklog());
      assertEquals(0, spool.bytes());
      assertEquals(List.of(), segments(dir));
      spool.append(records(2000, 2001)); // still usable
      assertEquals(List.of(2000), drain(spool));
    }
  }

  @Test
  void reopen_afterRestart_replaysWhatWasNotCommitted_andNothingCommitted(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      spool.append(records(0, 1000));
      Spool.Batch b = spool.read(300, 1 << 30);
      spool.commit(b.end());
      spool.read(300, 1 << 30); // read but never acknowledged: must come again
    }
    try (Spool again = open(dir)) {
      assertTrue(again.hasBacklog());
      assertEquals(IntStream.range(300, 1000).boxed().toList(), drain(again));
    }
    try (Spool third = open(dir)) {
      assertFalse(third.hasBacklog());
    }
  }

  @Test
  void truncatedWrite_goodRecordsRead_tailReportedWithFileAndOffset(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      spool.append(records(0, 10));
    }
    Path seg = segments(dir).get(0);
    long goodSize = Files.size(seg);
    try (FileChannel ch = FileChannel.open(seg, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer frame = ByteBuffer.allocate(SpoolFormat.frameSize(TestEvents.record(10).toPayload()));
      SpoolFormat.writeFrame(TestEvents.record(10).toPayload(), frame);
      ch.write(ByteBuffer.wrap(frame.array(), 0, 40)); // the process died mid-write
    }
    try (Spool spool = open(dir)) {
      assertEquals(IntStream.range(0, 10).boxed().toList(), drain(spool));
      assertEquals(1, reports.damage.size(), reports.damage.toString());
      assertTrue(reports.damage.get(0).startsWith(seg.getFileName() + "@" + goodSize + ": truncated record"),
          reports.damage.toString());
      assertEquals(List.of(), segments(dir), "the damaged segment is deleted once its good records are delivered");
    }
  }

  @Test
  void flippedChecksumByte_badRecordReported_recordsAfterItStillRead(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      spool.append(records(0, 10));
    }
    Path seg = segments(dir).get(0);
    int frame = SpoolFormat.frameSize(TestEvents.record(1).toPayload());
    long third = SpoolFormat.frameSize(TestEvents.record(0).toPayload()) + frame; // record 2 starts here
    byte[] bytes = Files.readAllBytes(seg);
    bytes[(int) third + 9] ^= 0x40; // a byte of its CRC
    Files.write(seg, bytes);
    try (Spool spool = open(dir)) {
      List<Integer> seen = drain(spool);
      assertEquals(List.of(0, 1, 3, 4, 5, 6, 7, 8, 9), seen);
      assertEquals(List.of(seg.getFileName() + "@" + third + ": checksum mismatch"), reports.damage);
    }
  }

  @Test
  void damage_isReportedOnce_evenWhenTheBatchIsReadAgain(@TempDir Path dir) throws IOException {
    try (Spool spool = open(dir)) {
      spool.append(records(0, 5));
    }
    Path seg = segments(dir).get(0);
    byte[] bytes = Files.readAllBytes(seg);
    bytes[20] ^= 0x01; // inside the first payload
    Files.write(seg, bytes);
    try (Spool spool = open(dir)) {
      for (int attempt = 0; attempt < 5; attempt++) { // Kafka failed the batch: it is read again
        assertEquals(4, spool.read(100, 1 << 20).records().size());
      }
      assertEquals(1, reports.damage.size(), reports.damage.toString());
    }
  }

  @Test
  void full_dropsAndCounts_keepsWhatFits(@TempDir Path dir) throws IOException {
    try (Spool spool = Spool.open(dir, 1 << 20, SEGMENT, Duration.ZERO, reports)) {
      int largest = SpoolFormat.frameSize(TestEvents.record(9999).toPayload());
      int fits = (1 << 20) / largest; // at least this many fit, a few more as early records are smaller
      int kept = spool.append(records(0, fits + 500));
      assertTrue(kept >= fits && kept < fits + 500, "kept " + kept + ", at least " + fits);
      assertEquals(fits + 500 - kept, reports.dropped);
      assertTrue(spool.bytes() <= 1 << 20);
      assertEquals(IntStream.range(0, kept).boxed().toList(), drain(spool));
    }
  }

  @Test
  void foreignFilesInTheDirectory_areLeftAlone(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("README"), "not a segment");
    try (Spool spool = open(dir)) {
      assertFalse(spool.hasBacklog());
      spool.append(records(0, 3));
      assertEquals(List.of(0, 1, 2), drain(spool));
    }
    assertTrue(Files.exists(dir.resolve("README")));
  }
}
