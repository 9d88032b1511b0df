package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AccessEvent.Verdict;
import org.webfilter.events.AlertEvent;
import org.webfilter.events.AlertEvent.Severity;

class AlertRulesTest {
  private final AlertRules rules = AlertRules.defaults();

  @ParameterizedTest
  @CsvSource({
    "illegal, BLOCK, CRITICAL, illegal",
    "extremist, BLOCK, HIGH, extremist",
    "extremist, LOG, HIGH, extremist",
    "self-harm, LOG, HIGH, self-harm",
    "hate, BLOCK, MEDIUM, hate",
    "proxy-avoidance, BLOCK, LOW, circumvention"
  })
  void defaults_alertOnBlockAndLog(String category, Verdict decision, Severity severity, String kind) {
    var event = TestEvents.event(1, List.of(category), decision);
    AlertEvent alert = rules.evaluate(event).orElseThrow();
    assertEquals(severity, alert.severity());
    assertEquals(kind, alert.kind());
    assertEquals(event, alert.event());
    assertEquals(AlertEvent.idFor(event.eventId(), kind), alert.eventId());
  }

  @Test
  void allowedRequests_andOtherCategories_raiseNothing() {
    assertEquals(Optional.empty(), rules.evaluate(TestEvents.event(1, List.of("extremist"), Verdict.ALLOW)));
    assertEquals(Optional.empty(), rules.evaluate(TestEvents.event(1, List.of("adult", "games"), Verdict.BLOCK)));
    assertEquals(Optional.empty(), AlertRules.none().evaluate(TestEvents.event(1, List.of("illegal"), Verdict.BLOCK)));
  }

  @Test
  void severalAlertingCategories_raiseOneAlert_ofTheMostSevereRule() {
    var event = TestEvents.event(1, List.of("proxy-avoidance", "hate", "illegal", "self-harm"), Verdict.BLOCK);
    AlertEvent alert = rules.evaluate(event).orElseThrow();
    assertEquals(Severity.CRITICAL, alert.severity());
    assertEquals("illegal", alert.kind());
  }

  @Test
  void customRules_replaceTheDefaults_andDuplicatesAreRejected() {
    var custom = new AlertRules(List.of(new AlertRules.Rule("gambling", Severity.LOW, "gambling")));
    assertTrue(custom.evaluate(TestEvents.event(1, List.of("gambling"), Verdict.LOG)).isPresent());
    assertTrue(custom.evaluate(TestEvents.event(1, List.of("extremist"), Verdict.BLOCK)).isEmpty());
    var e = assertThrows(IllegalArgumentException.class, () -> new AlertRules(List.of(
        new AlertRules.Rule("hate", Severity.LOW, "hate"), new AlertRules.Rule("hate", Severity.HIGH, "hate"))));
    assertTrue(e.getMessage().contains("[hate]"), e.getMessage());
  }

  /** The shipped English phrase lists, as the app loads them. */
  private static AlertRules withShippedPhrases(AlertRules rules) {
    var builder = org.webfilter.categoriser.PhraseScorer.builder();
    assertEquals(List.of(), builder.addLanguageFolder(java.nio.file.Path.of("../conf/phrases/english")));
    var scorer = builder.build();
    return rules.withSearchScoring(text -> scorer.score(text).byCategory());
  }

  private static AccessEvent searched(String terms, Verdict decision) {
    AccessEvent e = TestEvents.event(1, List.of(), decision);
    return new AccessEvent(e.schemaVersion(), e.eventId(), e.time(), e.user(), e.role(), e.clientIp(), e.device(),
        e.method(), e.scheme(), "www.google.com", 443, "https://www.google.com/search?q=x", terms,
        e.categories(), decision, e.rule(), e.reason(), e.status(), e.bytesIn(), e.bytesOut(), e.durationMs(),
        e.intercepted(), e.proxyNode());
  }

  @ParameterizedTest
  @CsvSource({
    "'painless suicide methods', ALLOW, HIGH, self-harm-search",
    "'how to k1ll mysellf', ALLOW, HIGH, self-harm-search",
    "'want to die', LOG, HIGH, self-harm-search"
  })
  void concerningSearches_alert_whateverTheDecision(String terms, Verdict decision, Severity severity, String kind) {
    AlertEvent alert = withShippedPhrases(rules).evaluate(searched(terms, decision)).orElseThrow();
    assertEquals(severity, alert.severity());
    assertEquals(kind, alert.kind());
    assertEquals(terms, alert.event().searchTerms());
  }

  @ParameterizedTest
  @CsvSource({
    "'suicide prevention samaritans'", // help-seeking: negative weights
    "'scunthorpe united results'",
    "'romeo and juliet act 5 summary'",
    "'self harm'" // 40: under the shipped search score of 50
  })
  void innocentOrHelpSeekingSearches_raiseNothing(String terms) {
    assertEquals(Optional.empty(), withShippedPhrases(rules).evaluate(searched(terms, Verdict.ALLOW)));
  }

  @Test
  void withoutSearchScoring_orWithoutASearchScore_searchTermsAreNotLookedAt() {
    assertEquals(Optional.empty(), rules.evaluate(searched("painless suicide", Verdict.ALLOW)));
    var categoryOnly = withShippedPhrases(new AlertRules(List.of(new AlertRules.Rule("self-harm", Severity.HIGH, "self-harm"))));
    assertEquals(Optional.empty(), categoryOnly.evaluate(searched("painless suicide", Verdict.ALLOW)));
  }

  @Test
  void aSearchAlert_outranksALessSevereCategoryAlert_andNeverDuplicatesIt() {
    AccessEvent e = searched("painless suicide", Verdict.BLOCK);
    AccessEvent circumventing = new AccessEvent(e.schemaVersion(), e.eventId(), e.time(), e.user(), e.role(),
        e.clientIp(), e.device(), e.method(), e.scheme(), e.host(), e.port(), e.url(), e.searchTerms(),
        List.of("proxy-avoidance"), e.decision(), e.rule(), e.reason(), e.status(), e.bytesIn(), e.bytesOut(),
        e.durationMs(), e.intercepted(), e.proxyNode());
    AlertEvent alert = withShippedPhrases(rules).evaluate(circumventing).orElseThrow();
    assertEquals("self-harm-search", alert.kind());
  }
}
