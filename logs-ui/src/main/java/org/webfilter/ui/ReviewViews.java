package org.webfilter.ui;

import java.util.List;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.User;

/** The pupil's "thank you" page and the ICT manager's review queue. */
final class ReviewViews {
  private ReviewViews() {}

  static String thanks(String url) {
    Html h = Views.head("Review requested");
    h.raw("<main class=\"login\"><h1>Thank you</h1><p>Your request to review</p><p class=\"mono url\">").text(url)
        .raw("</p><p>has been sent to the school's ICT team. They will look at it and may unblock the page.</p>")
        .raw("<p class=\"muted\">You can close this page.</p></main></body></html>");
    return h.toString();
  }

  static String page(User user, String csrf, List<ReviewStore.Request> open, List<ReviewStore.Request> decided,
      List<String> roles, String message, String error) {
    Html h = Views.head("Review requests");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Review requests</h1>");
    PolicyViews.flash(h, message, error);
    if (open.isEmpty()) {
      h.raw("<p class=\"muted\" id=\"no-open\">No open requests.</p>");
    }
    for (ReviewStore.Request r : open) {
      String host;
      try {
        host = Target.parse(r.url()).host();
      } catch (IllegalArgumentException e) {
        host = "";
      }
      String base = "/reviews/" + Html.escape(r.id());
      h.raw("<section class=\"card review\" data-id=\"").text(r.id()).raw("\"><h2 class=\"mono url\">").text(r.url()).raw("</h2>")
          .raw("<dl class=\"facts\"><dt>Asked</dt><dd>").text(r.time()).raw("</dd><dt>User</dt><dd>").text(r.user() == null ? "—" : r.user())
          .raw("</dd><dt>Device</dt><dd>").text(r.ip() == null ? "—" : r.ip()).raw("</dd><dt>Role</dt><dd>").text(r.role() == null ? "—" : r.role())
          .raw("</dd><dt>Blocked by</dt><dd class=\"mono\">").text(r.rule() == null ? "—" : r.rule())
          .raw("</dd><dt>Their reason</dt><dd>").text(r.reason() == null ? "—" : r.reason()).raw("</dd></dl>")
          .raw("<p><a href=\"/explain?url=").text(java.net.URLEncoder.encode(r.url(), java.nio.charset.StandardCharsets.UTF_8));
      if (r.role() != null) {
        h.raw("&amp;role=").text(java.net.URLEncoder.encode(r.role(), java.nio.charset.StandardCharsets.UTF_8));
      }
      h.raw("\">Why is it blocked?</a></p>");
      h.raw("<form method=\"post\" class=\"inline approve\" action=\"").raw(base).raw("/approve\">");
      PolicyViews.csrfField(h, csrf);
      h.raw("<label>Allow <input name=\"entry\" value=\"").text(host).raw("\" required></label><label>for role <select name=\"role\">");
      for (String role : roles) {
        h.raw("<option").raw(role.equals(r.role()) ? " selected" : "").raw(" value=\"").text(role).raw("\">").text(role).raw("</option>");
      }
      h.raw("</select></label><label>Time limit <select name=\"days\"><option value=\"0\">none</option><option value=\"1\">1 day</option>")
          .raw("<option value=\"7\">7 days</option><option value=\"30\">30 days</option></select></label>")
          .raw("<label class=\"wide\">Reason <input name=\"reason\" required maxlength=\"500\"></label>")
          .raw("<div class=\"actions\"><button type=\"submit\">Approve</button></div></form>");
      h.raw("<form method=\"post\" class=\"inline decline\" action=\"").raw(base).raw("/decline\">");
      PolicyViews.csrfField(h, csrf);
      h.raw("<label class=\"wide\">Reason <input name=\"reason\" required maxlength=\"500\"></label>")
          .raw("<div class=\"actions\"><button type=\"submit\" class=\"secondary\">Decline</button></div></form></section>");
    }
    if (!decided.isEmpty()) {
      h.raw("<h2>Recently decided</h2><div class=\"scroll\"><table class=\"events\" id=\"decided\"><thead><tr><th>Asked</th><th>URL</th>")
          .raw("<th>User</th><th>Decision</th><th>By</th><th>Reason</th><th>Allowed entry</th><th>Expires</th></tr></thead><tbody>");
      for (ReviewStore.Request r : decided) {
        h.raw("<tr>");
        Views.cell(h, r.time(), "time");
        Views.cell(h, r.url(), "url");
        Views.cell(h, r.user(), null);
        Views.cell(h, r.status(), null);
        Views.cell(h, r.decidedBy(), null);
        Views.cell(h, r.decisionReason(), null);
        Views.cell(h, r.entry(), null);
        Views.cell(h, r.expires(), "time");
        h.raw("</tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }
}
