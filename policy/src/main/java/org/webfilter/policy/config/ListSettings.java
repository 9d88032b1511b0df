package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code lists:} keys.
 *
 * @param roots UT1-format roots loaded in order ({@code conf/lists} first: the school's own lists)
 * @param categoryMap list folder name → product category ({@code ignore} skips a folder)
 */
public record ListSettings(List<Path> roots, Map<String, String> categoryMap) {
  public ListSettings {
    roots = List.copyOf(roots);
    categoryMap = Map.copyOf(categoryMap);
  }
}
