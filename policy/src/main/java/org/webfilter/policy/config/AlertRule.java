package org.webfilter.policy.config;

import java.util.List;

/**
 * One entry of {@code alerts:}: a blocked or logged request to {@code category} raises a safeguarding
 * alert of {@code kind} with {@code severity} ({@code low}, {@code medium}, {@code high}, {@code
 * critical}).
 *
 * <p>{@code searchScore} above zero also raises an alert of kind {@code <kind>-search} when a request's
 * search terms score at least that much in the category's weighted phrases, whatever the decision: a
 * pupil searching for suicide methods on an allowed search engine is what the DSL must hear about.
 */
public record AlertRule(String category, String severity, String kind, int searchScore) {
  public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

  /** A rule that does not look at search terms. */
  public AlertRule(String category, String severity, String kind) {
    this(category, severity, kind, 0);
  }

  /** What applies when the file has no {@code alerts:} section. */
  public static final List<AlertRule> DEFAULTS =
      List.of(
          new AlertRule("illegal", "critical", "illegal"),
          new AlertRule("extremist", "high", "extremist", 50),
          new AlertRule("self-harm", "high", "self-harm", 50),
          new AlertRule("hate", "medium", "hate"),
          new AlertRule("proxy-avoidance", "low", "circumvention"));
}
