package org.webfilter.proxy.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.AlertEvent.Severity;

/**
 * Which access events are safeguarding alerts for the DSL, and how urgent: a category of the target
 * mapped to a severity and an alert kind, applied to {@code BLOCK} and {@code LOG} decisions (an
 * attempt counts as much as a visit). Allowed requests never alert: a role that allows a category has
 * decided it is not a concern for that role.
 *
 * <p>An event in several alerting categories raises one alert, of the most severe matching rule (the
 * first such rule on a tie). The {@code alerts:} section of {@code conf/webfilter.yaml} builds this
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
   */
  public record Rule(String category, Severity severity, String kind) {
    public Rule {
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(kind, "kind");
      if (category.isBlank() || kind.isBlank()) {
        throw new IllegalArgumentException("alert rule: category and kind must not be blank");
      }
    }
  }

  private final Map<String, Rule> byCategory;

  /**
   * @throws IllegalArgumentException when two rules name the same category
   */
  public AlertRules(List<Rule> rules) {
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
  }

  /**
   * The shipped rules: {@code illegal} critical, {@code extremist} high, {@code self-harm} high,
   * {@code hate} medium, {@code proxy-avoidance} low as {@code circumvention}.
   */
  public static AlertRules defaults() {
    return new AlertRules(
        List.of(
            new Rule("illegal", Severity.CRITICAL, "illegal"),
            new Rule("extremist", Severity.HIGH, "extremist"),
            new Rule("self-harm", Severity.HIGH, "self-harm"),
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
    if (event.decision() == AccessEvent.Verdict.ALLOW || byCategory.isEmpty()) {
      return Optional.empty();
    }
    Rule worst = null;
    for (String category : event.categories()) {
      Rule r = byCategory.get(category);
      if (r != null && (worst == null || r.severity().compareTo(worst.severity()) > 0)) {
        worst = r;
      }
    }
    return worst == null ? Optional.empty() : Optional.of(AlertEvent.of(worst.severity(), worst.kind(), event));
  }
}
