package org.webfilter.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.UncheckedBooleanSupplier;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps many slow downloads from using up the proxy's buffer memory. A download the client reads
 * slowly holds what it could not deliver yet: up to its connection's write-buffer high-water mark
 * plus one read from the origin, 64 KiB each by default. About 1,000 of them fill the launcher's
 * 64 MB, and past that Netty fails allocations and connections are cut, including ordinary ones.
 *
 * <p>So while more than {@link #TIGHT_ABOVE} of the limit is in use, every client connection gets
 * small marks ({@link #TIGHT_MARKS}) and every origin read at most {@link #TIGHT_READ} bytes: a
 * slow download then holds a few KiB, and reading from its origin waits until the client takes
 * them. Below {@link #NORMAL_BELOW} the defaults come back (large reads cost less per byte). Each
 * read from an origin looks at the count first (one atomic read), a timer every 100 ms too. Only
 * with Netty's own direct-memory limit ({@code -Dio.netty.maxDirectMemory}, as the launcher sets
 * it) is the use known; without it nothing changes.
 */
final class BufferPressure {
  private static final Logger LOG = LoggerFactory.getLogger(BufferPressure.class);
  static final double TIGHT_ABOVE = 0.4;
  static final double NORMAL_BELOW = 0.2;
  static final WriteBufferWaterMark TIGHT_MARKS = new WriteBufferWaterMark(4096, 8192);
  static final int TIGHT_READ = 8192;
  private static final long SAY_EVERY_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final LongSupplier used;
  private final long limit;
  private final boolean measured;
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final RecvByteBufAllocator originReads = new CappedReads();
  private final AtomicBoolean tight = new AtomicBoolean();
  private long lastSaidNanos = System.nanoTime() - SAY_EVERY_NANOS; // guarded by this

  /**
   * @param used bytes of buffer memory in use, negative when not known
   * @param limit the most there may be
   */
  BufferPressure(LongSupplier used, long limit) {
    this.used = used;
    this.limit = limit;
    this.measured = used.getAsLong() >= 0 && limit > 0;
  }

  /** Netty's own count and limit, when it keeps them. */
  static BufferPressure ofNetty() {
    return new BufferPressure(PlatformDependent::usedDirectMemory, PlatformDependent.maxDirectMemory());
  }

  /** Whether the use is counted, so that {@link #check} can tell anything. */
  boolean measured() {
    return measured;
  }

  /** A new client connection: small marks too if memory is tight now; followed from now on. */
  void track(Channel client) {
    if (!measured) {
      return;
    }
    clients.add(client); // leaves the group when it closes
    if (tight.get()) {
      client.config().setWriteBufferWaterMark(TIGHT_MARKS);
    }
  }

  boolean tight() {
    return tight.get();
  }

  /**
   * Looks at the memory in use and, when it crosses a threshold, switches every client
   * connection's marks. Called before every origin read of more than {@link #TIGHT_READ} bytes
   * (memory fills faster than any timer: 3,000 downloads reach 64 MB within 100 ms) and every 100
   * ms (to see it empty again).
   *
   * @return whether memory is tight
   */
  boolean check() {
    long u = used.getAsLong();
    if (u < 0) {
      return false;
    }
    boolean was = tight.get();
    boolean now = was ? u > limit * NORMAL_BELOW : u > limit * TIGHT_ABOVE;
    if (now != was && tight.compareAndSet(was, now)) {
      switchMarks(u);
    }
    return now;
  }

  /** Rare, and serialised: the last switch leaves every connection with the marks of the state. */
  private synchronized void switchMarks(long used) {
    boolean isTight = tight.get();
    WriteBufferWaterMark marks = isTight ? TIGHT_MARKS : WriteBufferWaterMark.DEFAULT;
    for (Channel c : clients) {
      c.config().setWriteBufferWaterMark(marks); // a volatile field: any thread may set it
    }
    long nowNanos = System.nanoTime();
    if (isTight && nowNanos - lastSaidNanos >= SAY_EVERY_NANOS) { // it may come and go many times a minute
      lastSaidNanos = nowNanos;
      LOG.info(
          "buffer memory {} of {} bytes in use: each slow download now holds a few KiB until it falls"
              + " below {} % ({} client connections)",
          used,
          limit,
          (int) (NORMAL_BELOW * 100),
          clients.size());
    } else {
      LOG.debug("buffer memory {} of {} bytes in use: {}", used, limit, isTight ? "tight" : "full-size buffers again");
    }
  }

  /** For origin connections: Netty's adaptive read sizes, at most {@link #TIGHT_READ} while tight. */
  RecvByteBufAllocator originReads() {
    return originReads;
  }

  private final class CappedReads extends AdaptiveRecvByteBufAllocator {
    CappedReads() {
      // what Netty's socket channels get when no allocator is set (their metadata's 16); this
      // allocator alone would read once per readiness event
      maxMessagesPerRead(16);
    }

    @Override
    public ExtendedHandle newHandle() {
      return new CappedHandle((ExtendedHandle) super.newHandle());
    }
  }

  /** Netty's handle, with each read's buffer held to {@link #TIGHT_READ} while memory is tight. */
  private final class CappedHandle implements RecvByteBufAllocator.ExtendedHandle {
    private final RecvByteBufAllocator.ExtendedHandle netty;

    CappedHandle(RecvByteBufAllocator.ExtendedHandle netty) {
      this.netty = netty;
    }

    @Override
    public ByteBuf allocate(ByteBufAllocator alloc) {
      return alloc.ioBuffer(guess());
    }

    @Override
    public int guess() {
      int g = netty.guess();
      // small reads (most responses) cannot be held smaller: no need to look at the count
      return g > TIGHT_READ && check() ? TIGHT_READ : g;
    }

    @Override
    public void reset(ChannelConfig config) {
      netty.reset(config);
    }

    @Override
    public void incMessagesRead(int numMessages) {
      netty.incMessagesRead(numMessages);
    }

    @Override
    public void lastBytesRead(int bytes) {
      netty.lastBytesRead(bytes);
    }

    @Override
    public int lastBytesRead() {
      return netty.lastBytesRead();
    }

    @Override
    public void attemptedBytesRead(int bytes) {
      netty.attemptedBytesRead(bytes);
    }

    @Override
    public int attemptedBytesRead() {
      return netty.attemptedBytesRead();
    }

    @Override
    public boolean continueReading() {
      return netty.continueReading();
    }

    @Override
    public boolean continueReading(UncheckedBooleanSupplier maybeMoreDataSupplier) {
      return netty.continueReading(maybeMoreDataSupplier);
    }

    @Override
    public void readComplete() {
      netty.readComplete();
    }
  }
}
