package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code lists:} keys.
 *
 * @param roots UT1-format roots loaded in order ({@code conf/lists} first: the school's own lists)
 * @param categoryMap list folder name → product category ({@code ignore} skips a folder)
 * @param sources single list files or folders, each under one category, loaded after the roots
 * @param hostCacheSize hosts whose categories are cached in front of the list matcher; 0 turns the
 *     cache off
 */
public record ListSettings(
    List<Path> roots, Map<String, String> categoryMap, List<ListSource> sources, int hostCacheSize) {
  public static final int DEFAULT_HOST_CACHE_SIZE = 100_000;

  public ListSettings {
    roots = List.copyOf(roots);
    categoryMap = Map.copyOf(categoryMap);
    sources = List.copyOf(sources);
  }

  public ListSettings(List<Path> roots, Map<String, String> categoryMap, List<ListSource> sources) {
    this(roots, categoryMap, sources, DEFAULT_HOST_CACHE_SIZE);
  }

  public ListSettings(List<Path> roots, Map<String, String> categoryMap) {
    this(roots, categoryMap, List.of());
  }
}
