package org.webfilter.ui;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.policy.User;

/** The reports page: charts drawn by {@link Charts}, tables for the detail. */
final class ReportViews {
  private ReportViews() {}

  private static void field(Html h, String name, String label, Map<String, String> f, String hint) {
    h.raw("<label>").text(label).raw(" <input name=\"").raw(name).raw("\" value=\"").text(f.getOrDefault(name, ""))
        .raw("\" placeholder=\"").text(hint).raw("\"></label>");
  }

  static String page(User user, String csrf, Map<String, String> form, Reports.PerDay perDay, Reports.Top[] top,
      String category, Reports.Terms terms, Reports.Pupil pupil, String error) {
    Html h = Views.head("Reports");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Reports</h1><form class=\"search\" method=\"get\" action=\"/reports\">");
    field(h, "from", "From (UTC date)", form, "2026-11-01");
    field(h, "to", "To (UTC, exclusive)", form, "2026-11-15");
    field(h, "category", "Concern category", form, "self-harm");
    field(h, "user", "Pupil summary for", form, "user name");
    h.raw("<div class=\"actions\"><button type=\"submit\">Show</button></div></form>");
    PolicyViews.flash(h, null, error);
    if (perDay == null) {
      h.raw("</main></body></html>");
      return h.toString();
    }
    List<String> labels = perDay.days().stream().map(d -> d.toString().substring(5)).toList();
    h.raw("<section class=\"card\"><h2>Blocks per category per day</h2>")
        .raw(Charts.stacked("chart-blocks", "Blocked requests per category per day", labels, perDay.series()))
        .raw("</section>");
    h.raw("<div class=\"two\"><section class=\"card\"><h2>Top users: ").text(category).raw("</h2>")
        .raw(Charts.bars("chart-users", "Top users for " + category, top[0].rows(), Charts.PALETTE[1]))
        .raw("</section><section class=\"card\"><h2>Top sites: ").text(category).raw("</h2>")
        .raw(Charts.bars("chart-hosts", "Top sites for " + category, top[1].rows(), Charts.PALETTE[0]))
        .raw("</section></div>");
    Map<String, long[]> termSeries = new LinkedHashMap<>();
    termSeries.put("blocked or logged searches", terms.perDay());
    h.raw("<section class=\"card\"><h2>Concerning searches over time</h2>")
        .raw(Charts.stacked("chart-terms", "Blocked or logged searches per day", labels, termSeries));
    table(h, "terms", "Search terms", terms.top());
    h.raw("</section>");
    if (pupil != null) {
      h.raw("<section class=\"card\" id=\"pupil\"><h2>Summary for ").text(pupil.user()).raw("</h2><dl class=\"facts\">");
      pupil.decisions().forEach((k, v) -> h.raw("<dt>").text(k).raw("</dt><dd>").text(v).raw("</dd>"));
      h.raw("</dl><div class=\"two\"><div>");
      h.raw(Charts.bars("chart-pupil-blocked", "Blocked categories", pupil.blockedCategories(), Charts.PALETTE[1]));
      h.raw("</div><div>").raw(Charts.bars("chart-pupil-logged", "Logged categories", pupil.loggedCategories(), Charts.PALETTE[2]))
          .raw("</div></div>");
      table(h, "pupil-hosts", "Blocked sites", pupil.blockedHosts());
      table(h, "pupil-terms", "Search terms", pupil.searchTerms());
      Map<String, String> link = new LinkedHashMap<>();
      link.put("user", pupil.user());
      link.put("from", form.getOrDefault("from", ""));
      link.put("to", form.getOrDefault("to", ""));
      h.raw("<p><a href=\"").text(Html.link("/events", link)).raw("\">All of ").text(pupil.user()).raw("'s events in this period</a></p></section>");
    }
    if (perDay.scanned() >= Reports.MAX_SCAN) {
      h.raw("<p class=\"muted\">These figures stop at ").text(Reports.MAX_SCAN).raw(" events; choose a shorter period.</p>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  private static void table(Html h, String id, String title, List<Map.Entry<String, Long>> rows) {
    h.raw("<h3>").text(title).raw("</h3>");
    if (rows.isEmpty()) {
      h.raw("<p class=\"muted\">None.</p>");
      return;
    }
    h.raw("<table class=\"events compact\" id=\"").raw(id).raw("\"><thead><tr><th>").text(title).raw("</th><th>Count</th></tr></thead><tbody>");
    for (Map.Entry<String, Long> r : rows) {
      h.raw("<tr>");
      Views.cell(h, r.getKey(), "url");
      Views.cell(h, r.getValue(), null);
      h.raw("</tr>");
    }
    h.raw("</tbody></table>");
  }
}
