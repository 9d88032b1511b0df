package org.webfilter.policy.config;

import java.time.DayOfWeek;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One {@code roles.<name>.time-rules} entry: while it applies, it changes the role's rules. Rules of one
 * role never overlap (a configuration error), so at most one applies at any instant.
 *
 * @param name unique within the role; a role that extends another replaces an inherited rule of the same
 *     name
 * @param days the days of the week it applies on, in the school's time zone
 * @param fromMinute start, minutes after local midnight (inclusive)
 * @param toMinute end, minutes after local midnight (exclusive; 1440 means midnight at the end of the day)
 * @param inTerm {@code true}: term days only; {@code false}: outside term only; {@code null}: any day
 * @param allowCategories categories no longer blocked while it applies
 * @param blockCategories categories additionally blocked while it applies
 * @param logCategories categories additionally logged while it applies
 * @param allow allow entries added while it applies (replacing a role block entry of the same value)
 * @param block block entries added while it applies (replacing a role allow entry of the same value)
 * @param source {@code file:line} where the rule was written
 */
public record TimeRule(
    String name,
    Set<DayOfWeek> days,
    int fromMinute,
    int toMinute,
    Boolean inTerm,
    Set<String> allowCategories,
    Set<String> blockCategories,
    Set<String> logCategories,
    List<RoleSettings.ListEntry> allow,
    List<RoleSettings.ListEntry> block,
    String source) {

  public TimeRule {
    days = Set.copyOf(days);
    allowCategories = Set.copyOf(allowCategories);
    blockCategories = Set.copyOf(blockCategories);
    logCategories = Set.copyOf(logCategories);
    allow = List.copyOf(allow);
    block = List.copyOf(block);
  }

  /** Whether the rule applies on {@code day} at {@code minuteOfDay} (local), on a term day or not. */
  public boolean appliesAt(DayOfWeek day, int minuteOfDay, boolean termDay) {
    return days.contains(day)
        && minuteOfDay >= fromMinute
        && minuteOfDay < toMinute
        && (inTerm == null || inTerm == termDay);
  }

  /** Whether both rules can apply at the same moment. */
  public boolean overlaps(TimeRule other) {
    boolean termsCompatible = inTerm == null || other.inTerm == null || inTerm.equals(other.inTerm);
    return termsCompatible
        && days.stream().anyMatch(other.days::contains)
        && fromMinute < other.toMinute
        && other.fromMinute < toMinute;
  }

  /** {@code mon,tue 12:00-13:00 (term days)}, for the reason trace and error messages. */
  public String describe() {
    String d =
        days.stream()
            .sorted()
            .map(x -> x.name().substring(0, 3).toLowerCase(Locale.ROOT))
            .collect(Collectors.joining(","));
    String term = inTerm == null ? "" : inTerm ? " (term days)" : " (outside term)";
    return d + " " + hhmm(fromMinute) + "-" + hhmm(toMinute) + term;
  }

  static String hhmm(int minute) {
    return String.format(Locale.ROOT, "%02d:%02d", minute / 60, minute % 60);
  }
}
