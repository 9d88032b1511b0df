package org.webfilter.categoriser;

import java.util.List;
import java.util.Map;

/**
 * The phrase score of one text per category (the sum of the weights of the phrases found, each phrase
 * counted once), with the phrases that made it.
 */
public record PhraseScore(Map<String, Integer> byCategory, List<PhraseMatch> matches) {

  public static final PhraseScore NONE = new PhraseScore(Map.of(), List.of());

  public PhraseScore {
    byCategory = Map.copyOf(byCategory);
    matches = List.copyOf(matches);
  }

  /** The score in one category, 0 when nothing matched. */
  public int score(String category) {
    return byCategory.getOrDefault(category, 0);
  }
}
