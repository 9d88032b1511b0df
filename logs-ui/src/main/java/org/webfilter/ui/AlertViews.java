package org.webfilter.ui;

import java.util.List;
import org.webfilter.events.AccessEvent;
import org.webfilter.events.AlertEvent;
import org.webfilter.policy.User;

/** The alerts inbox and one alert with its context. Every value goes through {@link Html#text}. */
final class AlertViews {
  private AlertViews() {}

  private static void severity(Html h, AlertEvent a) {
    h.raw("<span class=\"sev ")
        .raw(a.severity().wireName())
        .raw("\">")
        .raw(a.severity().wireName())
        .raw("</span>");
  }

  static String inbox(User user, String csrf, List<AlertStore.Entry> entries, Boolean open) {
    Html h = Views.head("Alerts");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Safeguarding alerts</h1><nav class=\"tabs\">")
        .raw(
            open == Boolean.TRUE
                ? "<strong>Open</strong>"
                : "<a href=\"/alerts?status=open\">Open</a>")
        .raw(
            open == Boolean.FALSE
                ? "<strong>Closed</strong>"
                : "<a href=\"/alerts?status=closed\">Closed</a>")
        .raw(open == null ? "<strong>All</strong>" : "<a href=\"/alerts?status=all\">All</a>")
        .raw("</nav>");
    if (entries.isEmpty()) {
      h.raw("<p class=\"muted\" id=\"no-alerts\">No alerts here.</p>");
    } else {
      h.raw(
              "<div class=\"scroll\"><table class=\"events\""
                  + " id=\"alerts\"><thead><tr><th>Severity</th><th>Time (UTC)</th><th>Kind</th>")
          .raw("<th>User</th><th>IP</th><th>URL</th><th>Status</th><th></th></tr></thead><tbody>");
      for (AlertStore.Entry e : entries) {
        AlertEvent a = e.alert();
        h.raw("<tr data-id=\"").text(a.eventId()).raw("\"><td>");
        severity(h, a);
        h.raw("</td>");
        Views.cell(h, a.time(), "time");
        Views.cell(h, a.kind(), null);
        Views.cell(h, a.event().user() == null ? "—" : a.event().user(), null);
        Views.cell(h, a.event().clientIp(), null);
        Views.cell(h, a.event().url(), "url");
        Views.cell(h, e.open() ? "open" : e.ack().outcome().label, null);
        h.raw("<td><a href=\"/alerts/").text(a.eventId()).raw("\">Open</a></td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  static String alert(User user, String csrf, AlertStore.Entry e, List<AccessEvent> around, String message, String error) {
    AlertEvent a = e.alert();
    AccessEvent ev = a.event();
    Html h = Views.head("Alert");
    Views.header(h, user, csrf);
    h.raw("<main><p><a href=\"/alerts\">← Inbox</a></p><h1>");
    severity(h, a);
    h.raw(" ").text(a.kind()).raw("</h1>");
    PolicyViews.flash(h, message, error);
    h.raw("<section class=\"card\"><dl class=\"facts\"><dt>Time (UTC)</dt><dd>")
        .text(a.time())
        .raw("</dd><dt>User</dt><dd>")
        .text(ev.user() == null ? "—" : ev.user())
        .raw("</dd><dt>Role</dt><dd>")
        .text(ev.role())
        .raw("</dd><dt>Device</dt><dd>")
        .text(ev.clientIp())
        .raw("</dd><dt>URL</dt><dd class=\"mono url\">")
        .text(ev.url())
        .raw("</dd><dt>Search terms</dt><dd>")
        .text(ev.searchTerms() == null ? "—" : ev.searchTerms())
        .raw("</dd><dt>Categories</dt><dd>")
        .text(String.join(", ", ev.categories()))
        .raw("</dd><dt>Decision</dt><dd>")
        .text(ev.decision().name())
        .raw(" (")
        .text(ev.rule())
        .raw(")</dd></dl></section>");
    if (e.open()) {
      h.raw(
              "<section class=\"card\"><h2>Record the outcome</h2><form method=\"post\""
                  + " class=\"inline\" id=\"ack\" action=\"/alerts/")
          .text(a.eventId())
          .raw("/ack\">");
      PolicyViews.csrfField(h, csrf);
      h.raw("<label>Outcome <select name=\"outcome\">");
      for (AlertStore.Outcome o : AlertStore.Outcome.values()) {
        h.raw("<option value=\"").raw(o.id).raw("\">").raw(o.label).raw("</option>");
      }
      h.raw(
              "</select></label><label class=\"wide\">Note <input name=\"note\""
                  + " maxlength=\"2000\"></label>")
          .raw(
              "<div class=\"actions\"><button type=\"submit\">Close"
                  + " alert</button></div></form></section>");
    } else {
      h.raw("<section class=\"card\" id=\"outcome\"><h2>Closed: ")
          .text(e.ack().outcome().label)
          .raw("</h2><p>")
          .text(e.ack().note())
          .raw("</p><p class=\"muted\">by ")
          .text(e.ack().by())
          .raw(", ")
          .text(e.ack().at())
          .raw("</p></section>");
    }
    h.raw("<h2>What happened around it</h2><p class=\"muted\">")
        .text(
            (ev.user() != null ? "User " + ev.user() : "Device " + ev.clientIp())
                + ", "
                + AlertRoutes.CONTEXT.toMinutes()
                + " minutes before and after. The alert's request is highlighted. ")
        .raw("<a id=\"full-timeline\" href=\"")
        .text(
            Html.link(
                "/timeline", Timeline.around(ev, (int) AlertRoutes.CONTEXT.toMinutes()).params()))
        .raw("\">Open the full timeline</a></p>");
    if (around.isEmpty()) {
      h.raw("<p class=\"muted\">No events in the index for this period.</p>");
    } else {
      h.raw(
              "<div class=\"scroll\"><table class=\"events\" id=\"context\"><thead><tr><th>Time"
                  + " (UTC)</th><th>URL</th><th>Search terms</th>")
          .raw("<th>Categories</th><th>Decision</th></tr></thead><tbody>");
      for (AccessEvent x : around) {
        h.raw(x.eventId().equals(ev.eventId()) ? "<tr class=\"focus\">" : "<tr>");
        Views.cell(h, x.time(), "time");
        Views.cell(h, x.url(), "url");
        Views.cell(h, x.searchTerms(), null);
        Views.cell(h, String.join(", ", x.categories()), null);
        h.raw("<td><span class=\"badge ")
            .raw(x.decision().name().toLowerCase(java.util.Locale.ROOT))
            .raw("\">")
            .raw(x.decision().name())
            .raw("</span></td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }
}
