package org.webfilter.categoriser;

/**
 * Counters of a {@link Categoriser}'s host cache since it was built, for {@code /metrics}.
 *
 * @param hits lookups answered from the cache
 * @param misses lookups that had to search the domain tables
 * @param evictions hosts dropped to stay within the capacity
 * @param size hosts held now (an estimate)
 * @param capacity most hosts held; 0 when the cache is off
 */
public record HostCacheStats(long hits, long misses, long evictions, long size, long capacity) {

  static final HostCacheStats DISABLED = new HostCacheStats(0, 0, 0, 0, 0);

  /** Share of lookups answered from the cache, 0 to 1 (1 before any lookup, as Caffeine reports it). */
  public double hitRate() {
    long total = hits + misses;
    return total == 0 ? 1.0 : (double) hits / total;
  }

  /** These counters in the Prometheus text format (they restart from zero when the lists reload). */
  public String prometheusText() {
    return "# HELP webfilter_host_cache_hits_total host lookups answered from the category cache\n"
        + "# TYPE webfilter_host_cache_hits_total counter\n"
        + "webfilter_host_cache_hits_total " + hits + "\n"
        + "# HELP webfilter_host_cache_misses_total host lookups that searched the list tables\n"
        + "# TYPE webfilter_host_cache_misses_total counter\n"
        + "webfilter_host_cache_misses_total " + misses + "\n"
        + "# HELP webfilter_host_cache_evictions_total hosts dropped from the category cache\n"
        + "# TYPE webfilter_host_cache_evictions_total counter\n"
        + "webfilter_host_cache_evictions_total " + evictions + "\n"
        + "# HELP webfilter_host_cache_hosts hosts in the category cache (capacity: webfilter_host_cache_capacity)\n"
        + "# TYPE webfilter_host_cache_hosts gauge\n"
        + "webfilter_host_cache_hosts " + size + "\n"
        + "# TYPE webfilter_host_cache_capacity gauge\n"
        + "webfilter_host_cache_capacity " + capacity + "\n"
        + "# HELP webfilter_host_cache_hit_ratio share of host lookups answered from the cache\n"
        + "# TYPE webfilter_host_cache_hit_ratio gauge\n"
        + "webfilter_host_cache_hit_ratio " + hitRate() + "\n";
  }
}
