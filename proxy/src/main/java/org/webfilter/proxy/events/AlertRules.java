package org.webfilter.proxy.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.AlertEvent.Severity;

/**
 * Which access events are safeguarding alerts for the DSL, and how urgent: a category of the target
 * mapped to a severity and an alert kind, applied to {@code BLOCK} and {@code LOG} decisions (an
 * attempt counts as much as a visit). Allowed requests never alert: a role that allows a category has
 * decided it is not a concern for that role.
 *
 * <p>A rule with a {@code searchScore} also looks at the request's search terms, whatever the decision:
 * when the weighted phrases of its category score at least that much, the event raises an alert of
 * kind {@code <kind>-search} (a pupil searching for self-harm methods on an allowed search engine).
 * Scoring needs the policy's phrase lists: {@link #withSearchScoring}; it runs on the publisher thread,
 * never on a proxy event loop.
 *
 * <p>An event in several alerting categories raises one alert, of the most severe matching rule (the
 * first such rule on a tie, category rules before search rules). The {@code alerts:} section of {@code conf/webfilter.yaml} builds this
 * with the constructor; {@link #defaults()} is the shipped behaviour.
 */
public final class AlertRules {

  /**
   * One rule: requests to {@code category} raise an alert of {@code kind} with {@code severity}.
   *
   * @param category a product category ({@code extremist}, {@code proxy-avoidance}, ...)
   * @param severity how urgent
   * @param kind the alert's kind on the wire; usually the category, {@code circumvention} for
   *     proxy-avoidance
   * @param searchScore phrase score of the search terms in {@code category} that raises a {@code
   *     <kind>-search} alert; 0: search terms are not looked at
   */
  public record Rule(String category, Severity severity, String kind, int searchScore) {
    /** A rule that does not look at search terms. */
    public Rule(String category, Severity severity, String kind) {
      this(category, severity, kind, 0);
    }

    public Rule {
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(kind, "kind");
      if (category.isBlank() || kind.isBlank()) {
        throw new IllegalArgumentException("alert rule: category and kind must not be blank");
      }
      if (searchScore < 0) {
        throw new IllegalArgumentException("alert rule: searchScore must not be negative");
      }
    }
  }

  private final Map<String, Rule> byCategory;
  private final Function<String, Map<String, Integer>> searchScores; // null: search terms not scored

  /**
   * @throws IllegalArgumentException when two rules name the same category
   */
  public AlertRules(List<Rule> rules) {
    this(rules, null);
  }

  private AlertRules(List<Rule> rules, Function<String, Map<String, Integer>> searchScores) {
    Map<String, Rule> map = new LinkedHashMap<>();
    List<String> duplicates = new ArrayList<>();
    for (Rule r : rules) {
      if (map.putIfAbsent(r.category(), r) != null) {
        duplicates.add(r.category());
      }
    }
    if (!duplicates.isEmpty()) {
      throw new IllegalArgumentException("alerts: categories given more than once: " + duplicates);
    }
    this.byCategory = Map.copyOf(map);
    this.searchScores = searchScores;
  }

  /**
   * These rules, scoring search terms with {@code scores} (search terms → score per category; the app
   * passes the live policy's {@code phraseScores}, so a reload of the phrase lists applies at once).
   */
  public AlertRules withSearchScoring(Function<String, Map<String, Integer>> scores) {
    return new AlertRules(rules(), Objects.requireNonNull(scores, "scores"));
  }

  /**
   * The shipped rules: {@code illegal} critical, {@code extremist} high, {@code self-harm} high (both
   * also for searches scoring 50 or more), {@code hate} medium, {@code proxy-avoidance} low as {@code
   * circumvention}.
   */
  public static AlertRules defaults() {
    return new AlertRules(
        List.of(
            new Rule("illegal", Severity.CRITICAL, "illegal"),
            new Rule("extremist", Severity.HIGH, "extremist", 50),
            new Rule("self-harm", Severity.HIGH, "self-harm", 50),
            new Rule("hate", Severity.MEDIUM, "hate"),
            new Rule("proxy-avoidance", Severity.LOW, "circumvention")));
  }

  /** No alerts at all. */
  public static AlertRules none() {
    return new AlertRules(List.of());
  }

  public List<Rule> rules() {
    return List.copyOf(byCategory.values());
  }

  /** The alert {@code event} raises, if any. */
  public Optional<AlertEvent> evaluate(AccessEvent event) {
    if (byCategory.isEmpty()) {
      return Optional.empty();
    }
    Rule worst = null;
    if (event.decision() != AccessEvent.Verdict.ALLOW) {
      for (String category : event.categories()) {
        worst = moreSevere(worst, byCategory.get(category));
      }
    }
    Rule search = searchRule(event.searchTerms());
    if (search != null && (worst == null || search.severity().compareTo(worst.severity()) > 0)) {
      return Optional.of(AlertEvent.of(search.severity(), search.kind() + "-search", event));
    }
    return worst == null ? Optional.empty() : Optional.of(AlertEvent.of(worst.severity(), worst.kind(), event));
  }

  /** The most severe rule whose search score {@code terms} reach, or null. */
  private Rule searchRule(String terms) {
    if (searchScores == null || terms == null || terms.isBlank()) {
      return null;
    }
    Map<String, Integer> scores = searchScores.apply(terms);
    Rule worst = null;
    for (Map.Entry<String, Integer> e : scores.entrySet()) {
      Rule r = byCategory.get(e.getKey());
      if (r != null && r.searchScore() > 0 && e.getValue() >= r.searchScore()) {
        worst = moreSevere(worst, r);
      }
    }
    return worst;
  }

  private static Rule moreSevere(Rule current, Rule candidate) {
    if (candidate == null) {
      return current;
    }
    return current == null || candidate.severity().compareTo(current.severity()) > 0 ? candidate : current;
  }
}
