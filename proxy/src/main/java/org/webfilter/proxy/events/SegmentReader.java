package org.webfilter.proxy.events;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads frames ({@link SpoolFormat}) from one segment file through a read-ahead window, skipping and
 * describing damaged regions instead of failing, so a corrupted spool never stops the replay.
 */
final class SegmentReader implements Closeable {
  private static final int WINDOW = 1 << 20;

  /** A damaged region: {@code offset} is where it starts, {@code resumedAt} where good frames resume. */
  record Damage(long offset, long resumedAt, String what) {}

  /** What one {@link #read} found: payloads in order, where to continue, and any damage skipped. */
  record Chunk(List<byte[]> payloads, long next, List<Damage> damage) {}

  private final Path file;
  private final FileChannel channel;
  private byte[] window = new byte[0];
  private long windowBase;
  private int windowLength;

  SegmentReader(Path file) throws IOException {
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
  }

  Path file() {
    return file;
  }

  /**
   * Reads frames starting at {@code offset} (a frame start) up to {@code end} (the segment's readable
   * size), at most {@code maxRecords} of them and about {@code maxBytes}.
   */
  Chunk read(long offset, long end, int maxRecords, long maxBytes) throws IOException {
    List<byte[]> payloads = new ArrayList<>();
    List<Damage> damage = new ArrayList<>();
    long pos = offset;
    long bytes = 0;
    while (pos < end && payloads.size() < maxRecords && bytes < maxBytes) {
      String problem = problemAt(pos, end);
      if (problem == null) {
        int length = intAt(pos + 4);
        byte[] payload = new byte[length];
        System.arraycopy(window, (int) (pos - windowBase) + SpoolFormat.HEADER, payload, 0, length);
        payloads.add(payload);
        pos += SpoolFormat.HEADER + length;
        bytes += SpoolFormat.HEADER + length;
      } else {
        long resume = nextGoodFrame(pos + 1, end);
        damage.add(new Damage(pos, resume, problem));
        pos = resume;
      }
    }
    return new Chunk(payloads, pos, damage);
  }

  /** Null when a valid frame starts at {@code pos}, else what is wrong with it. */
  private String problemAt(long pos, long end) throws IOException {
    if (end - pos < SpoolFormat.HEADER) {
      return "truncated record header (" + (end - pos) + " of " + SpoolFormat.HEADER + " bytes)";
    }
    load(pos, SpoolFormat.HEADER, end);
    if (intAt(pos) != SpoolFormat.MAGIC) {
      return "no record marker";
    }
    int length = intAt(pos + 4);
    if (length < 0 || length > SpoolFormat.MAX_PAYLOAD) {
      return "impossible record length " + length;
    }
    if (end - pos - SpoolFormat.HEADER < length) {
      return "truncated record (" + (end - pos - SpoolFormat.HEADER) + " of " + length + " bytes)";
    }
    load(pos, SpoolFormat.HEADER + length, end);
    int crc = SpoolFormat.crc(length, window, (int) (pos - windowBase) + SpoolFormat.HEADER);
    if (crc != intAt(pos + 8)) {
      return "checksum mismatch";
    }
    return null;
  }

  private long nextGoodFrame(long from, long end) throws IOException {
    for (long p = from; p + SpoolFormat.HEADER <= end; p++) {
      load(p, 4, end);
      if (intAt(p) == SpoolFormat.MAGIC && problemAt(p, end) == null) {
        return p;
      }
    }
    return end;
  }

  /** Makes {@code [pos, pos + length)} available in the window. */
  private void load(long pos, int length, long end) throws IOException {
    if (pos >= windowBase && pos + length <= windowBase + windowLength) {
      return;
    }
    int size = (int) Math.min(Math.max(WINDOW, length), end - pos);
    if (window.length < size) {
      window = new byte[Math.max(size, WINDOW)];
    }
    ByteBuffer buf = ByteBuffer.wrap(window, 0, size);
    long at = pos;
    while (buf.hasRemaining()) {
      int n = channel.read(buf, at);
      if (n < 0) {
        throw new IOException(file + ": ends at " + at + " before its recorded size " + end);
      }
      at += n;
    }
    windowBase = pos;
    windowLength = size;
  }

  private int intAt(long pos) {
    int i = (int) (pos - windowBase);
    return ((window[i] & 0xFF) << 24)
        | ((window[i + 1] & 0xFF) << 16)
        | ((window[i + 2] & 0xFF) << 8)
        | (window[i + 3] & 0xFF);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
