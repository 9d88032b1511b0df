package org.webfilter.policy.config;

import java.util.List;

/**
 * One entry of {@code alerts:}: a blocked or logged request to {@code category} raises a safeguarding
 * alert of {@code kind} with {@code severity} ({@code low}, {@code medium}, {@code high}, {@code
 * critical}).
 */
public record AlertRule(String category, String severity, String kind) {
  public static final List<String> SEVERITIES = List.of("low", "medium", "high", "critical");

  /** What applies when the file has no {@code alerts:} section. */
  public static final List<AlertRule> DEFAULTS =
      List.of(
          new AlertRule("illegal", "critical", "illegal"),
          new AlertRule("extremist", "high", "extremist"),
          new AlertRule("self-harm", "high", "self-harm"),
          new AlertRule("hate", "medium", "hate"),
          new AlertRule("proxy-avoidance", "low", "circumvention"));
}
