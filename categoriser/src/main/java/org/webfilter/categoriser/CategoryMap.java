package org.webfilter.categoriser;

import java.util.Map;

/**
 * Maps list folder names (UT1's {@code agressif}, {@code mixed_adult}, ...) to the product's category
 * names. A folder that is not mapped keeps its own name, so no list is dropped silently; a folder mapped
 * to {@value #IGNORE} is not loaded.
 */
public record CategoryMap(Map<String, String> folderToCategory) {

  public static final String IGNORE = "ignore";

  public CategoryMap {
    folderToCategory = Map.copyOf(folderToCategory);
  }

  public static CategoryMap identity() {
    return new CategoryMap(Map.of());
  }

  /** The product category for a folder, or {@code null} when the folder is ignored. */
  public String categoryFor(String folder) {
    String category = folderToCategory.getOrDefault(folder, folder);
    return IGNORE.equals(category) ? null : category;
  }
}
