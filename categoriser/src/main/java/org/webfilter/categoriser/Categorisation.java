package org.webfilter.categoriser;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The categories of one target, each backed by the list entries that matched. */
public record Categorisation(List<Evidence> evidence) {

  public static final Categorisation NONE = new Categorisation(List.of());

  public Categorisation {
    evidence = List.copyOf(evidence);
  }

  /** Distinct categories, in the order their first evidence was found. */
  public Set<String> categories() {
    Set<String> categories = new LinkedHashSet<>();
    for (Evidence e : evidence) {
      categories.add(e.category());
    }
    return categories;
  }

  public boolean isEmpty() {
    return evidence.isEmpty();
  }
}
