package org.webfilter.policy;

import java.util.List;
import java.util.Set;

/**
 * The judgement of one request.
 *
 * @param verdict allow, block or log
 * @param rule the stable id of the deciding rule, e.g. {@code pupil.category.webmail}, {@code
 *     illegal}, {@code pupil.allow:outlook.office365.com}, {@code default.allow}
 * @param reason one short sentence for the block page and the event
 * @param blockedCategory the category that caused a block, or {@code null} (shown in the {@code
 *     X-Webfilter-Block} header; {@code policy} when an explicit block entry decided)
 * @param categories every category the target is in
 * @param trace what matched and why the winner won, in evaluation order. Unmodifiable. The policy
 *     writes it only when it is first read (a decision nobody explains costs no trace strings); reading
 *     it gives the same lines whenever it is read.
 */
public record Decision(
    Verdict verdict,
    String rule,
    String reason,
    String blockedCategory,
    Set<String> categories,
    List<String> trace) {

  public Decision {
    categories = Set.copyOf(categories);
    trace = trace instanceof LazyTrace ? trace : List.copyOf(trace);
  }

  public boolean blocked() {
    return verdict == Verdict.BLOCK;
  }
}
