package org.webfilter.policy.config;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * The school's clock: its time zone (top-level {@code time-zone}, default {@code Europe/London}) and its
 * optional term dates (top-level {@code term-dates}). Time rules are evaluated in local time, so a rule
 * for 12:00-13:00 follows the clock on the classroom wall across daylight-saving changes.
 *
 * @param timeZone the zone time rules are read in
 * @param terms inclusive date ranges; when empty, every day is a term day
 */
public record SchoolCalendar(ZoneId timeZone, List<Term> terms) {

  /** The default: {@code Europe/London}, no term dates. */
  public static final SchoolCalendar DEFAULT = new SchoolCalendar(ZoneId.of("Europe/London"), List.of());

  public SchoolCalendar {
    terms = List.copyOf(terms);
  }

  /** Whether {@code date} is in a term ({@code true} for every date when no term dates are set). */
  public boolean isTermDay(LocalDate date) {
    if (terms.isEmpty()) {
      return true;
    }
    for (Term t : terms) {
      if (!date.isBefore(t.from()) && !date.isAfter(t.to())) {
        return true;
      }
    }
    return false;
  }

  /** One {@code term-dates} entry; both days inclusive. */
  public record Term(LocalDate from, LocalDate to) {}
}
