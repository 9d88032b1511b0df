package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.RecvByteBufAllocator.ExtendedHandle;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BufferPressureTest {
  private static final long LIMIT = 1000;
  private final AtomicLong used = new AtomicLong();
  private final BufferPressure pressure = new BufferPressure(used::get, LIMIT);

  @Test
  void aboveFortyPercent_everyClientGetsSmallMarks_andBackBelowTwentyPercent() {
    EmbeddedChannel a = tracked();
    EmbeddedChannel b = tracked();
    used.set(400);
    pressure.check();
    assertFalse(pressure.tight(), "at 40 % exactly: not yet");
    assertEquals(WriteBufferWaterMark.DEFAULT.high(), marks(a).high());

    used.set(401);
    pressure.check();
    assertTrue(pressure.tight());
    assertEquals(BufferPressure.TIGHT_MARKS.high(), marks(a).high());
    assertEquals(BufferPressure.TIGHT_MARKS.low(), marks(b).low());

    used.set(300); // between the two thresholds: stays tight, so it does not flap
    pressure.check();
    assertTrue(pressure.tight());
    assertEquals(BufferPressure.TIGHT_MARKS.high(), marks(b).high());

    used.set(199);
    pressure.check();
    assertFalse(pressure.tight());
    assertEquals(WriteBufferWaterMark.DEFAULT.high(), marks(a).high());
    assertEquals(WriteBufferWaterMark.DEFAULT.low(), marks(b).low());
  }

  @Test
  void aConnectionAcceptedWhileTight_startsWithSmallMarks() {
    used.set(900);
    pressure.check();
    EmbeddedChannel late = tracked();
    assertEquals(BufferPressure.TIGHT_MARKS.high(), marks(late).high());
  }

  @Test
  void aClosedConnection_isForgotten() {
    EmbeddedChannel gone = tracked();
    EmbeddedChannel open = tracked();
    gone.close();
    used.set(900);
    pressure.check();
    assertEquals(WriteBufferWaterMark.DEFAULT.high(), marks(gone).high(), "no longer followed");
    assertEquals(BufferPressure.TIGHT_MARKS.high(), marks(open).high());
  }

  @Test
  void withoutACount_nothingIsFollowedOrChanged() {
    BufferPressure unknown = new BufferPressure(() -> -1, LIMIT);
    assertFalse(unknown.measured());
    EmbeddedChannel c = channel();
    unknown.track(c);
    unknown.check();
    assertFalse(unknown.tight());
    assertEquals(WriteBufferWaterMark.DEFAULT.high(), marks(c).high());
  }

  @Test
  void originReads_areNettysAdaptiveSizes_heldToTheTightReadWhileTight() {
    ExtendedHandle h = (ExtendedHandle) pressure.originReads().newHandle();
    EmbeddedChannel c = channel();
    growToTheLargestRead(h, c);
    int grown = h.guess();
    assertTrue(grown > BufferPressure.TIGHT_READ, "Netty's guess grew to " + grown);
    assertCapacity(grown, h);

    used.set(900);
    pressure.check();
    assertEquals(BufferPressure.TIGHT_READ, h.guess());
    assertCapacity(BufferPressure.TIGHT_READ, h);

    used.set(0);
    pressure.check();
    assertEquals(grown, h.guess(), "full-size reads again");
  }

  @Test
  void aReadFromAnOrigin_noticesAtOnce_withoutWaitingForTheTimer() {
    EmbeddedChannel client = tracked();
    ExtendedHandle h = (ExtendedHandle) pressure.originReads().newHandle();
    growToTheLargestRead(h, channel());
    used.set(900); // filled between two timer checks
    assertEquals(BufferPressure.TIGHT_READ, h.guess());
    assertTrue(pressure.tight());
    assertEquals(BufferPressure.TIGHT_MARKS.high(), marks(client).high(), "every client switched");
  }

  /** Regression: setting an allocator of its own took a socket channel from 16 reads per wake-up to 1. */
  @Test
  void originReads_keepSixteenReadsPerWakeUp_asNettysSocketsHaveByDefault() {
    EmbeddedChannel c = channel();
    c.config().setRecvByteBufAllocator(pressure.originReads());
    assertEquals(16, c.config().getMaxMessagesPerRead());
  }

  /** Reads that fill their buffer each time, as from a fast origin: Netty's guess grows. */
  private static void growToTheLargestRead(ExtendedHandle h, EmbeddedChannel c) {
    for (int round = 0; round < 20; round++) {
      h.reset(c.config());
      int size = h.guess();
      h.attemptedBytesRead(size);
      h.lastBytesRead(size);
      h.incMessagesRead(1);
      h.readComplete();
    }
  }

  private static void assertCapacity(int expected, ExtendedHandle h) {
    ByteBuf b = h.allocate(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertEquals(expected, b.capacity());
    } finally {
      b.release();
    }
  }

  /** Each with an id of its own (EmbeddedChannel's default id is one for all, as a group sees it). */
  private static EmbeddedChannel channel() {
    return new EmbeddedChannel(DefaultChannelId.newInstance());
  }

  private EmbeddedChannel tracked() {
    EmbeddedChannel c = channel();
    pressure.track(c);
    return c;
  }

  private static WriteBufferWaterMark marks(EmbeddedChannel c) {
    return c.config().getWriteBufferWaterMark();
  }
}
