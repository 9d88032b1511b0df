package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reason trace a decision writes when first read. */
class LazyTraceTest {

  @Test
  void lines_areWrittenOnce_onFirstRead() {
    AtomicInteger writes = new AtomicInteger();
    LazyTrace t = new LazyTrace(() -> {
      writes.incrementAndGet();
      return new ArrayList<>(List.of("a", "b"));
    });
    assertEquals(0, writes.get());
    assertEquals(List.of("a", "b"), t);
    assertEquals(List.of("a", "b"), List.copyOf(t));
    assertEquals(List.of("a", "b").hashCode(), t.hashCode());
    assertEquals("[a, b]", t.toString());
    assertEquals(1, writes.get());
  }

  @Test
  void trace_isUnmodifiable_likeTheEagerOne() {
    LazyTrace t = new LazyTrace(() -> new ArrayList<>(List.of("a")));
    assertThrows(UnsupportedOperationException.class, () -> t.add("b"));
    assertThrows(UnsupportedOperationException.class, () -> t.iterator().remove());
    Decision d = new Decision(Verdict.ALLOW, "default.allow", "r", null, java.util.Set.of(), t);
    assertThrows(UnsupportedOperationException.class, () -> d.trace().clear());
    assertEquals(d, new Decision(Verdict.ALLOW, "default.allow", "r", null, java.util.Set.of(), List.of("a")));
  }

  @Test
  void readersOnManyThreads_seeTheSameLines_writtenOnce() throws Exception {
    for (int round = 0; round < 200; round++) {
      AtomicInteger writes = new AtomicInteger();
      LazyTrace t = new LazyTrace(() -> {
        writes.incrementAndGet();
        return List.of("1. not in the illegal category", "5. allowed: nothing blocks this request: decided");
      });
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<List<String>>> readers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        readers.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          return List.copyOf(t);
        }));
      }
      go.countDown();
      for (CompletableFuture<List<String>> r : readers) {
        assertEquals(2, r.get().size());
      }
      assertEquals(1, writes.get());
    }
  }
}
