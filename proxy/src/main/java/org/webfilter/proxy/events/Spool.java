package org.webfilter.proxy.events;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A durable FIFO of {@link OutRecord}s in a directory of append-only segment files ({@code
 * 00000000000000000001.seg}, ...), each a sequence of checksummed frames ({@link SpoolFormat}).
 *
 * <p>One writer appends (the publisher thread, any thread in fact: appends are serialised); one reader
 * (the replayer) reads from the committed position and {@link #commit commits} once Kafka acknowledged
 * what it read. A segment is deleted only when the committed position has passed all of it. The
 * committed position is remembered in {@code checkpoint} (rewritten at most once a second and on close;
 * losing it only means records are delivered again, which consumers deduplicate by {@code eventId}).
 *
 * <p><b>fsync policy</b>: appended bytes go to the OS at once (a crash of the process loses nothing
 * appended); the active segment is fsynced when {@code fsyncInterval} has passed since the last fsync,
 * checked after every append batch and at least every 50 ms by the publisher thread, and always on roll
 * and close. So a power loss loses at most about {@code fsyncInterval} of spooled events.
 * {@code Duration.ZERO} fsyncs every append batch.
 *
 * <p><b>Bounded</b>: appends that would take the spool past {@code maxBytes}, or fail because the disk
 * is full, are dropped and reported to the {@link Listener}; a failed write is cut back so no partial
 * frame is left behind. <b>Damage</b> found while reading (truncated tail, bad checksum) is reported once
 * per place with file and offset and skipped; the good records around it are returned.
 */
final class Spool implements Closeable {
  private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.seg");
  private static final String CHECKPOINT = "checkpoint";
  private static final long CHECKPOINT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Where the spool reports what it could not keep or read. Called with the spool's lock held. */
  interface Listener {
    void dropped(int records, String why);

    void damaged(Path file, long offset, String what, long resumedAt);

    /** An fsync or delete failed: durability is in doubt, but the spool carries on. */
    void ioFailure(String what);
  }

  /** A place in the spool: all frames before {@code offset} of {@code segment}, and earlier segments. */
  record Position(long segment, long offset) {
    boolean before(Position o) {
      return segment < o.segment || (segment == o.segment && offset < o.offset);
    }
  }

  /** Records read from the committed position, and the position just past them. */
  record Batch(List<OutRecord> records, Position end) {}

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;
  private final long fsyncIntervalNanos;
  private final Listener listener;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final TreeMap<Long, Long> sizes = new TreeMap<>(); // segment id -> bytes of whole frames
  private long totalBytes;
  private long nextId;
  private Position committed;
  private FileChannel writer;
  private long writerId = -1;
  /**
   * What every append goes through to the file, allocated once at open. A heap buffer would make
   * the JDK take a temporary direct buffer for each write, and when the proxy's connections have
   * used up the direct-memory limit that allocation fails: the spool must work exactly then.
   */
  private final ByteBuffer io = ByteBuffer.allocateDirect(64 * 1024);
  private boolean dirty;
  private long lastSyncNanos = System.nanoTime();
  private long lastCheckpointNanos = System.nanoTime();
  private boolean checkpointDirty;
  private boolean closed;

  // reader state: used only by the replaying thread
  private SegmentReader reader;
  private long readerId = -1;
  private final Set<Position> reported = new HashSet<>();

  private Spool(Path dir, long maxBytes, long segmentBytes, Duration fsyncInterval, Listener listener) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = segmentBytes;
    this.fsyncIntervalNanos = fsyncInterval.toNanos();
    this.listener = listener;
  }

  /** Opens (creating if needed) the spool in {@code dir}, picking up segments left by an earlier run. */
  static Spool open(Path dir, long maxBytes, long segmentBytes, Duration fsyncInterval, Listener listener)
      throws IOException {
    Files.createDirectories(dir);
    Spool s = new Spool(dir, maxBytes, segmentBytes, fsyncInterval, listener);
    s.recover();
    return s;
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = SEGMENT.matcher(f.getFileName().toString());
        if (m.matches()) {
          long size = Files.size(f);
          sizes.put(Long.parseLong(m.group(1)), size);
          totalBytes += size;
        }
      }
    }
    nextId = sizes.isEmpty() ? 1 : sizes.lastKey() + 1;
    Position checkpoint = readCheckpoint();
    if (checkpoint != null && sizes.containsKey(checkpoint.segment())) {
      committed = new Position(checkpoint.segment(), Math.min(checkpoint.offset(), sizes.get(checkpoint.segment())));
      deleteBefore(committed.segment());
    } else {
      committed = new Position(sizes.isEmpty() ? nextId : sizes.firstKey(), 0);
    }
  }

  private Position readCheckpoint() {
    try {
      String[] parts = Files.readString(dir.resolve(CHECKPOINT), StandardCharsets.US_ASCII).trim().split(" ");
      return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (IOException | RuntimeException e) {
      return null; // none, or torn by a crash: start from the oldest segment (duplicates, not loss)
    }
  }

  /**
   * Appends {@code records} in order; returns how many were kept. The rest were dropped (spool full,
   * disk full) and reported to the listener.
   */
  int append(List<OutRecord> records) {
    lock.lock();
    try {
      if (closed) {
        listener.dropped(records.size(), "the spool is closed");
        return 0;
      }
      int kept = 0;
      int droppedFull = 0;
      List<byte[]> frames = new ArrayList<>(records.size());
      for (OutRecord r : records) {
        frames.add(r.toPayload());
      }
      int i = 0;
      while (i < frames.size()) {
        // gather the frames that fit in the current segment into one write
        if (writer == null || (sizes.get(writerId) > 0 && sizes.get(writerId) >= segmentBytes)) {
          if (!roll()) {
            listener.dropped(frames.size() - i, "cannot create a spool segment in " + dir);
            break;
          }
        }
        long room = Math.max(segmentBytes - sizes.get(writerId), 0);
        int from = i;
        long batchBytes = 0;
        while (i < frames.size()) {
          int size = SpoolFormat.frameSize(frames.get(i));
          if (i > from && batchBytes + size > room) {
            break;
          }
          if (totalBytes + batchBytes + size > maxBytes) {
            droppedFull++;
            frames.set(i, null);
          } else {
            batchBytes += size;
          }
          i++;
        }
        kept += write(frames.subList(from, i), batchBytes);
      }
      if (droppedFull > 0) {
        listener.dropped(droppedFull, "the spool is full (" + totalBytes + " of " + maxBytes + " bytes)");
      }
      if (kept > 0) {
        dirty = true;
        appended.signalAll();
      }
      syncIfDueLocked();
      return kept;
    } finally {
      lock.unlock();
    }
  }

  /** Writes the non-null frames in one go; on failure cuts the segment back and drops them. */
  private int write(List<byte[]> payloads, long bytes) {
    int n = (int) payloads.stream().filter(p -> p != null).count();
    if (n == 0) {
      return 0;
    }
    ByteBuffer buf = ByteBuffer.allocate((int) bytes);
    for (byte[] p : payloads) {
      if (p != null) {
        SpoolFormat.writeFrame(p, buf);
      }
    }
    buf.flip();
    long before = sizes.get(writerId);
    try {
      long at = before;
      while (buf.hasRemaining()) {
        int chunk = Math.min(io.capacity(), buf.remaining());
        io.clear();
        io.put(buf.slice(buf.position(), chunk)).flip();
        buf.position(buf.position() + chunk);
        while (io.hasRemaining()) {
          at += writer.write(io, at);
        }
      }
      sizes.put(writerId, before + bytes);
      totalBytes += bytes;
      return n;
    } catch (IOException e) {
      listener.dropped(n, "cannot write to " + segmentPath(writerId) + ": " + e);
      long id = writerId;
      try {
        writer.truncate(before);
      } catch (IOException ignored) {
        // the reader will report the torn tail; the next append starts a new segment
      }
      closeWriterQuietly();
      if (before == 0) {
        delete(id);
      }
      return 0;
    }
  }

  private boolean roll() {
    if (writer != null) {
      try {
        writer.force(false);
      } catch (IOException ignored) {
        // reported by the next write if the disk is really failing
      }
      closeWriterQuietly();
    }
    long id = nextId;
    try {
      writer = FileChannel.open(segmentPath(id), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      writer = null;
      return false;
    }
    nextId++;
    writerId = id;
    sizes.put(id, 0L);
    syncDirectory();
    return true;
  }

  private void closeWriterQuietly() {
    try {
      writer.close();
    } catch (IOException ignored) {
      // nothing left to do with it
    }
    writer = null;
    writerId = -1;
  }

  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // not supported on every platform; the segment's data is still fsynced
    }
  }

  /** Fsyncs the active segment if the fsync interval has passed since the last one. */
  void syncIfDue() {
    lock.lock();
    try {
      syncIfDueLocked();
      if (checkpointDirty && System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_INTERVAL_NANOS) {
        writeCheckpoint();
      }
    } finally {
      lock.unlock();
    }
  }

  private void syncIfDueLocked() {
    long now = System.nanoTime();
    if (dirty && writer != null && now - lastSyncNanos >= fsyncIntervalNanos) {
      try {
        writer.force(false);
      } catch (IOException e) {
        listener.ioFailure("fsync of " + segmentPath(writerId) + " failed: " + e);
      }
      dirty = false;
      lastSyncNanos = now;
    }
  }

  /** True when records are waiting to be replayed. */
  boolean hasBacklog() {
    lock.lock();
    try {
      return hasBacklogLocked();
    } finally {
      lock.unlock();
    }
  }

  private boolean hasBacklogLocked() {
    return hasRecordsAfterLocked(committed);
  }

  /** True when records are waiting beyond {@code position} (a position returned by {@link #read}). */
  private boolean hasRecordsAfterLocked(Position position) {
    Position from = position.before(committed) ? committed : position;
    for (Map.Entry<Long, Long> e : sizes.tailMap(from.segment(), true).entrySet()) {
      long offset = e.getKey() == from.segment() ? from.offset() : 0;
      if (e.getValue() > offset) {
        return true;
      }
    }
    return false;
  }

  /** Waits up to {@code timeout} for records beyond {@code position}; true when there are some. */
  boolean awaitRecordsAfter(Position position, long timeout, TimeUnit unit) throws InterruptedException {
    lock.lock();
    try {
      long nanos = unit.toNanos(timeout);
      while (!hasRecordsAfterLocked(position) && nanos > 0 && !closed) {
        nanos = appended.awaitNanos(nanos);
      }
      return hasRecordsAfterLocked(position);
    } finally {
      lock.unlock();
    }
  }

  /** Everything before this position is delivered. */
  Position committed() {
    lock.lock();
    try {
      return committed;
    } finally {
      lock.unlock();
    }
  }

  /** Reads from the committed position; see {@link #read(Position, int, long)}. */
  Batch read(int maxRecords, long maxBytes) throws IOException {
    return read(committed(), maxRecords, maxBytes);
  }

  /**
   * Reads up to {@code maxRecords} (about {@code maxBytes}) from {@code position} (the committed
   * position or the end of an earlier batch). Damage is reported and skipped. Only one thread may read.
   */
  Batch read(Position position, int maxRecords, long maxBytes) throws IOException {
    TreeMap<Long, Long> snapshot;
    Position from;
    lock.lock();
    try {
      from = position.before(committed) ? committed : position;
      snapshot = new TreeMap<>(sizes.tailMap(from.segment(), true));
    } finally {
      lock.unlock();
    }
    List<OutRecord> records = new ArrayList<>();
    Position end = from;
    long bytes = 0;
    for (Map.Entry<Long, Long> e : snapshot.entrySet()) {
      long id = e.getKey();
      long size = e.getValue();
      long offset = id == from.segment() ? from.offset() : 0;
      end = new Position(id, offset);
      if (offset >= size) {
        continue;
      }
      SegmentReader r = readerFor(id);
      SegmentReader.Chunk chunk = r.read(offset, size, maxRecords - records.size(), maxBytes - bytes);
      for (SegmentReader.Damage d : chunk.damage()) {
        report(id, d.offset(), d.what(), d.resumedAt());
      }
      long at = offset;
      for (byte[] payload : chunk.payloads()) {
        try {
          records.add(OutRecord.fromPayload(payload));
        } catch (IllegalArgumentException ex) {
          report(id, at, "undecodable record: " + ex.getMessage(), at);
        }
        bytes += SpoolFormat.frameSize(payload);
        at += SpoolFormat.frameSize(payload);
      }
      end = new Position(id, chunk.next());
      if (records.size() >= maxRecords || bytes >= maxBytes || chunk.next() < size) {
        break;
      }
    }
    return new Batch(records, end);
  }

  private void report(long segment, long offset, String what, long resumedAt) {
    if (reported.add(new Position(segment, offset))) {
      lock.lock();
      try {
        listener.damaged(segmentPath(segment), offset, what, resumedAt);
      } finally {
        lock.unlock();
      }
    }
  }

  private SegmentReader readerFor(long id) throws IOException {
    Path path = segmentPath(id);
    if (reader == null || readerId != id) {
      closeReader();
      reader = new SegmentReader(path);
      readerId = id;
    }
    return reader;
  }

  private void closeReader() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException ignored) {
        // read-only
      }
      reader = null;
      readerId = -1;
    }
  }

  /**
   * Marks everything before {@code end} as delivered: segments wholly before it are deleted, and when
   * nothing is left the active segment too, so an idle spool takes no disk.
   */
  void commit(Position end) {
    lock.lock();
    try {
      if (!committed.before(end)) {
        return;
      }
      committed = end;
      if (reader != null && readerId < end.segment()) {
        closeReader(); // its segment is about to be deleted
      }
      deleteBefore(end.segment());
      if (!hasBacklogLocked()) {
        // all delivered: free the disk, keeping only an active segment nothing was written to yet
        if (writer != null && sizes.get(writerId) > 0) {
          closeWriterQuietly();
        }
        closeReader();
        for (Long id : new ArrayList<>(sizes.keySet())) {
          if (id != writerId) {
            delete(id);
          }
        }
        committed = new Position(writer != null ? writerId : nextId, 0);
      }
      checkpointDirty = true;
      if (System.nanoTime() - lastCheckpointNanos >= CHECKPOINT_INTERVAL_NANOS) {
        writeCheckpoint();
      }
    } finally {
      lock.unlock();
    }
  }

  private void deleteBefore(long segment) {
    for (Long id : new ArrayList<>(sizes.headMap(segment, false).keySet())) {
      if (id != writerId) {
        delete(id);
      }
    }
  }

  private void delete(long id) {
    try {
      Files.deleteIfExists(segmentPath(id));
    } catch (IOException e) {
      listener.ioFailure("cannot delete delivered segment " + segmentPath(id) + ": " + e);
    }
    Long size = sizes.remove(id);
    totalBytes -= size == null ? 0 : size;
  }

  private void writeCheckpoint() {
    Path tmp = dir.resolve(CHECKPOINT + ".tmp");
    try {
      Files.writeString(tmp, committed.segment() + " " + committed.offset() + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, dir.resolve(CHECKPOINT), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      checkpointDirty = false;
    } catch (IOException e) {
      // without it the next start replays from the oldest segment: duplicates, not loss
    }
    lastCheckpointNanos = System.nanoTime();
  }

  private Path segmentPath(long id) {
    return dir.resolve(String.format("%020d.seg", id));
  }

  /** Bytes on disk in segment files. */
  long bytes() {
    lock.lock();
    try {
      return totalBytes;
    } finally {
      lock.unlock();
    }
  }

  Path dir() {
    return dir;
  }

  /** Fsyncs and closes the active segment and writes the checkpoint. Further appends are dropped. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (writer != null) {
        try {
          writer.force(false);
        } catch (IOException ignored) {
          // nothing better to do at close
        }
        closeWriterQuietly();
      }
      writeCheckpoint();
      closeReader();
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
