package org.webfilter.app;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks the list files of a {@code .tar.gz} into a fresh folder, treating the archive as hostile:
 *
 * <ul>
 *   <li>an entry whose name is absolute or climbs out with {@code ..} fails the whole import (a real
 *       list archive never has one, so the archive is not trusted at all);
 *   <li>symbolic and hard links, devices and FIFOs are skipped, never created (UT1 ships aliases such
 *       as {@code porn -> adult} as links; loading them would count entries twice anyway);
 *   <li>only regular files named {@code domains}, {@code urls} or {@code expressions} are written;
 *   <li>limits on entries, on each file's size, on the total unpacked size and on the ratio of unpacked
 *       to compressed bytes stop a decompression bomb early, counting real bytes, not the headers.
 * </ul>
 */
final class TarGzExtractor {
  /** The limits an archive must stay within. */
  record Limits(int maxEntries, long maxFileBytes, long maxTotalBytes, int maxRatio) {
    /** UT1 today: ~70 folders, ~500 entries, ~300 MB unpacked at a ratio of ~5. */
    static final Limits DEFAULT = new Limits(100_000, 1L << 30, 4L << 30, 100);
  }

  /** What was unpacked and what was left out. */
  record Result(int files, long bytes, int linksAndSpecials, int otherFiles) {}

  private static final Set<String> LIST_FILES = Set.of("domains", "urls", "expressions");
  /** Below this many unpacked bytes the ratio is not checked (tiny, highly compressible lists are fine). */
  private static final long RATIO_FLOOR = 64L << 20;

  private TarGzExtractor() {}

  static Result extract(Path archive, Path dest, Limits limits, PrintStream out) throws ImportFailure {
    String shown = archive.getFileName().toString();
    int files = 0;
    int entries = 0;
    int links = 0;
    int other = 0;
    long nextReport = 20L << 20;
    Path root = dest.toAbsolutePath().normalize();
    try (Counting raw = new Counting(new BufferedInputStream(Files.newInputStream(archive), 1 << 16), Long.MAX_VALUE);
        Counting unpacked = new Counting(new GZIPInputStream(raw, 1 << 16), limits.maxTotalBytes());
        TarArchiveInputStream tar = new TarArchiveInputStream(unpacked)) {
      Files.createDirectories(root);
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        if (++entries > limits.maxEntries()) {
          throw new ImportFailure(shown + ": more than " + limits.maxEntries() + " entries");
        }
        String name = e.getName();
        Path target = safeTarget(root, name, shown);
        if (e.isSymbolicLink() || e.isLink() || e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
          links++;
          continue;
        }
        if (e.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        if (!e.isFile() || !LIST_FILES.contains(target.getFileName().toString())) {
          other++;
          continue;
        }
        if (e.getSize() > limits.maxFileBytes()) {
          throw new ImportFailure(shown + ": " + name + " is " + ListDownload.mb(e.getSize()) + " MB, more than the "
              + ListDownload.mb(limits.maxFileBytes()) + " MB allowed per file");
        }
        Files.createDirectories(target.getParent());
        try (OutputStream o = Files.newOutputStream(target)) {
          byte[] buf = new byte[1 << 16];
          for (int n; (n = tar.read(buf)) >= 0; ) {
            o.write(buf, 0, n);
            checkTotals(raw.count, unpacked.count, limits, shown);
          }
        }
        files++;
        if (unpacked.count >= nextReport) {
          out.println("  unpacked " + ListDownload.mb(unpacked.count) + " MB, " + files + " list files");
          nextReport += 20L << 20;
        }
      }
      // read the end-of-archive padding and the gzip trailer too, so a truncated archive is caught
      byte[] rest = new byte[1 << 16];
      while (unpacked.read(rest) >= 0) {
        checkTotals(raw.count, unpacked.count, limits, shown);
      }
      return new Result(files, unpacked.count, links, other);
    } catch (TooLarge e) {
      throw new ImportFailure(shown + ": unpacks to more than " + ListDownload.mb(limits.maxTotalBytes()) + " MB");
    } catch (IOException | IllegalArgumentException e) {
      throw new ImportFailure(shown + ": not a readable .tar.gz (" + e.getMessage() + ")", e);
    }
  }

  /** Where an entry goes: inside {@code root}, or the import fails. */
  private static Path safeTarget(Path root, String name, String archive) throws ImportFailure {
    String problem = null;
    if (name.isEmpty() || name.indexOf('\0') >= 0 || name.indexOf('\\') >= 0) {
      problem = "not a plain relative path";
    } else if (name.startsWith("/")) {
      problem = "absolute path";
    } else {
      for (String segment : name.split("/")) {
        if (segment.equals("..")) {
          problem = "'..' would leave the archive's folder";
        }
      }
    }
    Path target = problem == null ? root.resolve(name).normalize() : null;
    if (problem == null && !target.startsWith(root)) {
      problem = "outside the archive's folder";
    }
    if (problem != null) {
      throw new ImportFailure(archive + ": entry '" + name + "': " + problem + "; the archive is refused");
    }
    return target;
  }

  private static void checkTotals(long compressed, long unpacked, Limits limits, String archive) throws ImportFailure {
    if (unpacked > limits.maxTotalBytes()) {
      throw new ImportFailure(archive + ": unpacks to more than " + ListDownload.mb(limits.maxTotalBytes()) + " MB");
    }
    if (unpacked > RATIO_FLOOR && unpacked > (long) limits.maxRatio() * Math.max(1, compressed)) {
      throw new ImportFailure(archive + ": unpacks to more than " + limits.maxRatio()
          + " times its compressed size (a decompression bomb?)");
    }
  }

  /** Thrown by {@link Counting} past its limit, even while the tar reader skips an entry it was not asked for. */
  private static final class TooLarge extends IOException {
    TooLarge() {
      super("too large");
    }
  }

  /** Counts the bytes read (or skipped) through it, and stops at a limit. */
  private static final class Counting extends FilterInputStream {
    private final long limit;
    long count;

    Counting(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    private void add(long n) throws TooLarge {
      count += Math.max(0, n);
      if (count > limit) {
        throw new TooLarge();
      }
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      add(b >= 0 ? 1 : 0);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      add(n);
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = super.skip(Math.min(n, 1 << 20)); // in steps, so the limit is checked as it goes
      add(skipped);
      return skipped;
    }
  }
}
