package org.webfilter.proxy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockPageTest {
  private static final BlockPage.Details DETAILS =
      new BlockPage.Details(
          "http://x.test/\"><img src=x onerror=alert(1)>",
          "adult",
          "Adult sites are blocked",
          List.of("step <1>"),
          "pupil.category.adult",
          "<bob>",
          Instant.parse("2026-11-23T10:15:00Z"),
          "ref-1");

  @Test
  void render_escapesEverythingAndLoadsNothingExternal() {
    String html = new BlockPage(Optional.of("http://ui.test")).render(DETAILS);
    assertFalse(html.contains("<img"), html);
    assertFalse(html.contains("<bob>"), html);
    assertTrue(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), html);
    assertTrue(html.contains("step &lt;1&gt;"), html);
    assertFalse(html.contains("<script"), html);
    assertFalse(html.contains("src=\""), html);
    assertFalse(html.contains("href="), html);
    assertTrue(html.contains("action=\"http://ui.test/api/review-requests\""), html);
  }

  @Test
  void render_withoutReviewUrl_hasNoForm() {
    String html = new BlockPage(Optional.empty()).render(DETAILS);
    assertFalse(html.contains("<form"), html);
    assertTrue(html.contains("ref-1"), html);
  }
}
