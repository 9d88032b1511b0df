package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigException;

/** Step 4 of the precedence: weighted phrases over search terms and URL text, against the role's threshold. */
class PhraseDecisionTest {
  static final Instant AT = Instant.parse("2026-11-23T10:15:00Z");
  @TempDir static Path dir;
  static Policy policy;

  @BeforeAll
  static void load() throws Exception {
    write("phrases/english/self-harm.weighted", "<hurt myself><60>", "<how to>,<hurt myself><50>", "<helpline><-100>");
    write("webfilter.yaml",
        "data-dir: data",
        "roles:",
        "  pupil: {block-categories: [self-harm], phrase-threshold: 100}",
        "  relaxed: {block-categories: [self-harm], phrase-threshold: 0}",
        "  staff: {block-categories: [adult], phrase-threshold: 100}");
    policy = PolicyLoader.load(dir.resolve("webfilter.yaml"), org.webfilter.policy.config.ConfigOverrides.NONE).policy();
  }

  static void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  static Decision decide(String role, String url) {
    return policy.decide(role, Target.parse(url), AT);
  }

  @Test
  void searchScoringOverThreshold_blocksForRoleThatBlocksTheCategory() {
    Decision d = decide("pupil", "https://www.google.com/search?q=how+to+hurt+myself");
    assertEquals(Verdict.BLOCK, d.verdict());
    assertEquals("pupil.phrase.self-harm", d.rule());
    assertEquals("self-harm", d.blockedCategory());
    assertTrue(d.trace().stream().anyMatch(t -> t.startsWith("4. phrases of category self-harm score 110")), d.trace().toString());
  }

  @Test
  void belowThreshold_helpSeeking_noThreshold_orCategoryNotBlocked_areAllowed() {
    assertEquals(Verdict.ALLOW, decide("pupil", "https://www.google.com/search?q=hurt+myself").verdict());
    assertEquals(Verdict.ALLOW, decide("pupil", "https://www.google.com/search?q=how+to+hurt+myself+helpline").verdict());
    assertEquals(Verdict.ALLOW, decide("relaxed", "https://www.google.com/search?q=how+to+hurt+myself").verdict());
    assertEquals(Verdict.ALLOW, decide("staff", "https://www.google.com/search?q=how+to+hurt+myself").verdict());
  }

  @Test
  void withoutSearch_thePathIsScored() {
    assertEquals(Verdict.BLOCK, decide("pupil", "http://forum.test/how-to-hurt-myself").verdict());
  }

  @Test
  void badPhraseLine_isAConfigErrorWithFileAndLine() throws IOException {
    write("phrases/english/self-harm.weighted", "<hurt myself><60>", "<broken");
    try {
      PolicyLoader.load(dir.resolve("webfilter.yaml"), org.webfilter.policy.config.ConfigOverrides.NONE);
      throw new AssertionError("expected a ConfigException");
    } catch (ConfigException e) {
      assertTrue(e.getMessage().contains("self-harm.weighted:2"), e.getMessage());
    } finally {
      write("phrases/english/self-harm.weighted", "<hurt myself><60>", "<how to>,<hurt myself><50>", "<helpline><-100>");
    }
  }
}
