package org.webfilter.proxy.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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
}
