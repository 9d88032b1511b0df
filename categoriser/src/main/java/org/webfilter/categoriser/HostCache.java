package org.webfilter.categoriser;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Host → domain categorisation, bounded, in two levels.
 *
 * <p>The store is a Caffeine cache (W-TinyLFU: frequent hosts stay, a scan of one-off hosts does not
 * flush them). Caffeine records every read so it can reorder its queues; with a working set of ~100k
 * hosts that bookkeeping touches memory at random and, measured, cost more than the lookup it saves
 * (docs/benchmarks.md). So a small direct-mapped front table answers the head of the traffic first:
 * one array read and one string compare, and Caffeine only sees the reads the front misses. The front
 * is racy by design: a slot holds an immutable {@link Front} published through final fields, so a
 * reader sees a complete entry or another one, never a torn one.
 */
final class HostCache {
  /** Front slots at most: 16k covers most of a Zipf head in ~1 MB. */
  private static final int MAX_FRONT_BITS = 14;

  private record Front(String host, Categorisation value) {}

  private final Front[] front;
  private final int frontMask;
  private final Cache<String, Categorisation> store;
  private final LongAdder frontHits = new LongAdder();
  private final long capacity;

  HostCache(long capacity) {
    this.capacity = capacity;
    // never more front slots than the capacity, so the bound holds for both levels together
    int bits = Math.min(MAX_FRONT_BITS, 63 - Long.numberOfLeadingZeros(Math.max(1, capacity / 2)));
    this.front = new Front[1 << bits];
    this.frontMask = (1 << bits) - 1;
    this.store =
        Caffeine.newBuilder()
            .maximumSize(capacity)
            .executor(Runnable::run) // evict on the calling thread: no dependence on the common pool
            .recordStats()
            .build();
  }

  /** The cached value for {@code host}, else {@code compute(host)}, remembered. */
  Categorisation get(String host, Function<String, Categorisation> compute) {
    int h = host.hashCode() * 0x9E3779B9;
    int slot = (h ^ (h >>> 16)) & frontMask;
    Front f = front[slot];
    if (f != null && f.host.equals(host)) {
      frontHits.increment();
      return f.value;
    }
    Categorisation value = store.getIfPresent(host);
    if (value == null) {
      // Not Cache.get(key, fn): two threads missing on one host may both compute it, which is cheaper
      // than the per-key lock a computing get takes on every miss.
      value = compute.apply(host);
      store.put(host, value);
    } else {
      // only a host seen before takes a front slot, so the long tail of one-off hosts cannot keep
      // evicting the popular ones from it
      front[slot] = new Front(host, value);
    }
    return value;
  }

  HostCacheStats stats() {
    com.github.benmanes.caffeine.cache.stats.CacheStats s = store.stats();
    return new HostCacheStats(
        frontHits.sum() + s.hitCount(), s.missCount(), s.evictionCount(), store.estimatedSize(), capacity);
  }
}
