package org.webfilter.policy;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.webfilter.categoriser.Evidence;
import org.webfilter.categoriser.PhraseScore;
import org.webfilter.categoriser.PhraseScorer;
import org.webfilter.categoriser.SearchQuery;
import org.webfilter.categoriser.SearchTerms;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.SchoolCalendar;
import org.webfilter.policy.config.TimeRule;

/**
 * One role ready to decide: its own rule set and one per time rule, chosen by the local time of the
 * request. Applies SPEC §2 steps 2, 3 and 5 (step 1, {@code illegal}, is the policy's) and writes what
 * it found into the reason trace.
 */
final class CompiledRole {
  private final RoleSettings settings;
  private final SchoolCalendar calendar;
  private final RuleSet base;
  private final List<TimeRule> timeRules;
  private final List<RuleSet> during;

  CompiledRole(RoleSettings settings, SchoolCalendar calendar) {
    this.settings = settings;
    this.calendar = calendar;
    this.base = RuleSet.of(settings);
    this.timeRules = settings.timeRules();
    List<RuleSet> d = new ArrayList<>();
    for (TimeRule t : timeRules) {
      d.add(RuleSet.during(settings, t));
    }
    this.during = List.copyOf(d);
  }

  RoleSettings settings() {
    return settings;
  }

  /**
   * The rule set in force at {@code at}, noting in the trace (when there is one) which time rule (if
   * any) applies.
   */
  RuleSet rulesAt(Instant at, List<String> trace) {
    if (timeRules.isEmpty()) {
      if (trace != null) {
        trace.add("time: role " + settings.name() + " has no time rules");
      }
      return base;
    }
    ZonedDateTime local = at.atZone(calendar.timeZone());
    int minute = local.getHour() * 60 + local.getMinute();
    boolean term = calendar.isTermDay(local.toLocalDate());
    for (int i = 0; i < timeRules.size(); i++) {
      TimeRule t = timeRules.get(i);
      if (t.appliesAt(local.getDayOfWeek(), minute, term)) {
        if (trace != null) {
          trace.add(when(local, term) + ": time rule '" + t.name() + "' of role " + settings.name() + " applies ("
              + t.describe() + ")");
        }
        return during.get(i);
      }
    }
    if (trace != null) {
      trace.add(when(local, term) + ": no time rule of role " + settings.name() + " applies");
    }
    return base;
  }

  private String when(ZonedDateTime local, boolean term) {
    return "time: " + local.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.UK) + " "
        + local.toLocalDate() + " " + String.format(Locale.ROOT, "%02d:%02d", local.getHour(), local.getMinute())
        + " " + calendar.timeZone().getId() + (calendar.terms().isEmpty() ? "" : term ? " (term day)" : " (outside term)");
  }

  /**
   * Steps 2-5 of SPEC §2 for a target already known not to be {@code illegal}. Each step is noted in
   * {@code trace} when it is not {@code null}; the decision carries {@code decisionTrace} (the same
   * list, or one that writes itself later).
   */
  Decision decide(
      Target target, Set<String> categories, Instant at, List<String> trace, List<String> decisionTrace,
      PhraseScorer phrases) {
    String role = settings.name();
    RuleSet rules = rulesAt(at, trace);

    List<RuleSet.Match> matches = rules.matches(target);
    if (!matches.isEmpty()) {
      RuleSet.Match w = matches.get(0);
      if (trace != null) {
        for (RuleSet.Match m : matches) {
          trace.add("2. " + m.describe() + " of role " + role + " matches");
        }
        // Explain the win over the best entry that would have decided otherwise, if there is one.
        RuleSet.Match rival = matches.stream().skip(1).filter(m -> m.allow() != w.allow()).findFirst()
            .orElse(matches.size() > 1 ? matches.get(1) : null);
        String why = rival == null ? "the only matching explicit entry" : whyWins(w, rival);
        String over = overridden(rules, categories, w.allow());
        trace.add("2. " + (w.allow() ? "allowed" : "blocked") + " by " + w.describe() + ": " + why + over + ": decided");
      }
      return w.allow()
          ? new Decision(Verdict.ALLOW, w.ruleId(), "on the allow list of role " + role, null, categories, decisionTrace)
          : new Decision(Verdict.BLOCK, w.ruleId(), "on the block list of role " + role, "policy", categories,
              decisionTrace);
    }
    if (trace != null) {
      trace.add("2. no allow or block entry of role " + role + " matches");
    }

    for (String c : categories) {
      String by = rules.blockedBy(c);
      if (by != null) {
        if (trace != null) {
          trace.add("3. category " + c + " is blocked for " + who(by) + ": decided");
        }
        return new Decision(Verdict.BLOCK, by + ".category." + c, "category " + c + " is blocked for role " + role,
            c, categories, decisionTrace);
      }
    }
    if (trace != null) {
      trace.add(categories.isEmpty()
          ? "3. no category, so no blocked category of role " + role + " matches"
          : "3. none of " + String.join(", ", categories) + " is blocked for role " + role);
    }

    Decision byPhrases = decideByPhrases(target, categories, rules, trace, decisionTrace, phrases);
    if (byPhrases != null) {
      return byPhrases;
    }

    for (String c : categories) {
      String by = rules.loggedBy(c);
      if (by != null) {
        if (trace != null) {
          trace.add("5. allowed, and logged because category " + c + " is logged for " + who(by) + ": decided");
        }
        return new Decision(Verdict.LOG, by + ".log." + c, "category " + c + " is allowed and logged for role " + role,
            null, categories, decisionTrace);
      }
    }
    if (trace != null) {
      trace.add("5. allowed: nothing blocks this request: decided");
    }
    return new Decision(Verdict.ALLOW, "default.allow", "no rule blocks this request", null, categories, decisionTrace);
  }

  /**
   * Step 4: the weighted phrases of the role's blocked categories, scored over the search terms (or,
   * without a search, the address's path and query). {@code null} when nothing reaches the threshold.
   */
  private Decision decideByPhrases(
      Target target, Set<String> categories, RuleSet rules, List<String> trace, List<String> decisionTrace,
      PhraseScorer phrases) {
    int threshold = settings.phraseThreshold();
    if (threshold <= 0 || phrases.size() == 0 || target.path().isEmpty()) {
      if (trace != null) {
        trace.add("4. no phrase threshold for role " + settings.name());
      }
      return null;
    }
    String text = SearchTerms.extract(target).map(SearchQuery::terms).orElse(target.path());
    PhraseScore score = phrases.score(text);
    for (var e : score.byCategory().entrySet()) {
      String by = rules.blockedBy(e.getKey());
      if (by != null && e.getValue() >= threshold) {
        if (trace != null) {
          trace.add("4. phrases of category " + e.getKey() + " score " + e.getValue() + " (threshold " + threshold
              + "): " + score.matches().stream().filter(m -> m.category().equals(e.getKey()))
                  .map(m -> m.phrase() + " " + m.weight()).toList() + ": decided");
        }
        return new Decision(Verdict.BLOCK, by + ".phrase." + e.getKey(),
            "the words of this request score " + e.getValue() + " for " + e.getKey() + " (threshold " + threshold + ")",
            e.getKey(), categories, decisionTrace);
      }
    }
    if (trace != null) {
      trace.add("4. no blocked category's phrases reach the threshold " + threshold);
    }
    return null;
  }

  private static String whyWins(RuleSet.Match winner, RuleSet.Match next) {
    if (winner.kind() != next.kind()) {
      return "a " + RuleSet.kindName(winner.kind()) + " is more specific than a " + RuleSet.kindName(next.kind());
    }
    if (winner.specificity() != next.specificity()) {
      return "the longest matching entry is the most specific";
    }
    if (!winner.allow() && next.allow()) {
      return winner.kind() == Evidence.Kind.REGEX
          ? "regular expressions are not ranked by length: a block expression wins over an allow expression"
          : "a block entry wins a tie with an allow-list entry";
    }
    return "equally specific entries agree";
  }

  /** Says which blocked category an allow entry overrides, or which a block entry pre-empts. */
  private static String overridden(RuleSet rules, Set<String> categories, boolean allow) {
    if (!allow) {
      return "";
    }
    List<String> over = new ArrayList<>();
    for (String c : categories) {
      if (rules.blockedBy(c) != null) {
        over.add(c);
      }
    }
    return over.isEmpty() ? "" : " (explicit entries outrank blocked categories: overrides " + String.join(", ", over) + ")";
  }

  private static String who(String prefix) {
    int at = prefix.indexOf('@');
    return at < 0 ? "role " + prefix : "role " + prefix.substring(0, at) + " by time rule '" + prefix.substring(at + 1) + "'";
  }
}
