package org.webfilter.proxy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Renders the page a blocked browser shows: what was blocked and why, who asked, when, and the
 * reference id a pupil can quote. Self-contained (inline CSS, no script, no external resources),
 * and every value is escaped: the URL and host come straight from the client.
 */
final class BlockPage {
  private static final String STYLE =
      "body{font-family:system-ui,-apple-system,'Segoe"
          + " UI',sans-serif;background:#f4f5f7;color:#1d2330;"
          + "margin:0;padding:2rem}main{max-width:42rem;margin:auto;background:#fff;border-radius:8px;padding:1.5rem"
          + " 2rem;box-shadow:0 1px 4px rgba(0,0,0,.15)}h1{font-size:1.4rem;color:#b3261e}"
          + "dt{font-weight:600;margin-top:.6rem}dd{margin:0;overflow-wrap:anywhere}code{background:#eef0f3;padding:0"
          + " .25rem;border-radius:3px}ol{margin:.3rem"
          + " 0;padding-left:1.3rem}button{margin-top:1rem;padding:.5rem"
          + " 1rem;border:0;border-radius:4px;background:#2456c4;color:#fff;"
          + "font-size:1rem;cursor:pointer}footer{margin-top:1.2rem;font-size:.85rem;color:#5b6270}"
          + "label{display:block;margin-top:1rem;font-weight:600}textarea{width:100%;box-sizing:border-box;"
          + "margin-top:.3rem;font:inherit}h1.msg{color:#1d2330}ul.trace{list-style:none;margin:.3rem 0;padding:0}";

  private final Optional<String> reviewAction;
  private final boolean reviewDesk;

  /** {@code reviewUrl}: base URL of the logs UI; when absent the page has no review button. */
  BlockPage(Optional<String> reviewUrl) {
    this(reviewUrl, false);
  }

  /**
   * @param reviewUrl base URL of the logs UI, for deployments where pupils reach it directly
   * @param reviewDesk whether the proxy takes review requests itself ({@link ReviewDesk}); when so,
   *     the page's review form asks the proxy, on the blocked page's own origin
   */
  BlockPage(Optional<String> reviewUrl, boolean reviewDesk) {
    this.reviewDesk = reviewDesk;
    this.reviewAction =
        reviewUrl
            .filter(u -> !u.isBlank())
            .map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u)
            .map(u -> u + "/api/review-requests");
  }

  /** What one block page shows. */
  record Details(
      String url,
      String category,
      String reason,
      List<String> trace,
      String rule,
      String who,
      Instant time,
      String ref) {}

  String render(Details d) {
    StringBuilder h = new StringBuilder(2048);
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
        .append("<title>Blocked by webfilter</title><style>")
        .append(STYLE)
        .append("</style></head><body><main><h1>This page is blocked</h1>")
        .append("<p>The school's web filter blocked this request.</p><dl>");
    item(h, "Address", "<code>" + Html.escape(d.url()) + "</code>");
    item(h, "Category", Html.escape(d.category()));
    item(h, "Reason", Html.escape(d.reason()));
    if (!d.trace().isEmpty()) {
      StringBuilder t = new StringBuilder("<ul class=\"trace\">"); // the steps carry their own numbers
      for (String step : d.trace()) {
        t.append("<li>").append(Html.escape(step)).append("</li>");
      }
      item(h, "How this was decided", t.append("</ul>").toString());
    }
    item(h, "Rule", "<code>" + Html.escape(d.rule()) + "</code>");
    item(h, "User or address", Html.escape(d.who()));
    item(h, "Time", Html.escape(d.time().toString()));
    item(h, "Reference", "<code>" + Html.escape(d.ref()) + "</code>");
    h.append("</dl>");
    if (reviewDesk) {
      h.append("<form method=\"get\" action=\"").append(ReviewDesk.PATH)
          .append("\"><input type=\"hidden\" name=\"ref\" value=\"").append(Html.escape(d.ref()))
          .append("\"><label for=\"reason\">Why do you need this page? (optional)</label>")
          .append("<textarea id=\"reason\" name=\"reason\" maxlength=\"500\" rows=\"3\"></textarea>")
          .append("<button type=\"submit\">Ask for a review</button></form>");
    } else {
      reviewAction.ifPresent(
        action ->
            h.append("<form method=\"post\" action=\"")
                .append(Html.escape(action))
                .append("\"><input type=\"hidden\" name=\"ref\" value=\"")
                .append(Html.escape(d.ref()))
                .append("\"><input type=\"hidden\" name=\"url\" value=\"")
                .append(Html.escape(d.url()))
                .append("\"><button type=\"submit\">Ask for a review</button></form>"));
    }
    h.append("<footer>If you think this is wrong, ask your teacher or the ICT team and quote the ")
        .append("reference above.</footer></main></body></html>");
    return h.toString();
  }

  /** A short page in the block page's style: the answer to a review request. */
  String renderMessage(String title, String text) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        + "<title>" + Html.escape(title) + "</title><style>" + STYLE + "</style></head><body><main><h1 class=\"msg\">"
        + Html.escape(title) + "</h1><p>" + Html.escape(text) + "</p></main></body></html>";
  }

  private static void item(StringBuilder h, String term, String html) {
    h.append("<dt>").append(term).append("</dt><dd>").append(html).append("</dd>");
  }
}
