package org.webfilter.ui;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.User;

/**
 * The timeline page. Every event field goes through {@link Html#text}: pupils type URLs and search
 * terms.
 */
final class TimelineViews {
  private static final DateTimeFormatter DAY =
      DateTimeFormatter.ofPattern("EEE d MMM yyyy", Locale.UK).withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss", Locale.UK).withZone(ZoneOffset.UTC);
  private static final int[] WINDOWS = {5, 15, 30, 60, 120, 240};

  private TimelineViews() {}

  static String page(User user, String csrf, String banner, Timeline t, TimelineRoutes.Result r) {
    Html h = Views.head("Timeline");
    Views.header(h, user, csrf);
    h.raw("<main>");
    Views.banner(h, banner);
    Map<String, String> all = t.user() != null ? Map.of("user", t.user()) : Map.of("ip", t.ip());
    h.raw("<p><a href=\"")
        .text(Html.link("/events", all))
        .raw("\">← All events of ")
        .text(t.subject())
        .raw("</a></p>");
    h.raw("<h1>Timeline · ")
        .text(t.subject())
        .raw("</h1><p class=\"muted\" id=\"window\">")
        .text(
            DAY.format(t.at())
                + ", "
                + CLOCK.format(t.from())
                + " – "
                + CLOCK.format(t.to().minusMillis(1))
                + " UTC ("
                + t.minutes()
                + " minutes either side of "
                + CLOCK.format(t.at())
                + ")")
        .raw("</p>");
    summary(h, r);
    controls(h, t);
    if (r.total() > 0) {
      h.raw("<section class=\"card\">").raw(r.chart().svg()).raw("</section>");
    }
    if (r.notShownBefore() > 0) {
      h.raw("<p class=\"muted\">")
          .text(
              r.notShownBefore()
                  + " earlier events in this window are not shown; narrow the window or move it"
                  + " earlier.")
          .raw("</p>");
    }
    if (r.events().isEmpty()) {
      h.raw("<p class=\"muted\" id=\"no-events\">No events in this window.</p>");
    } else {
      table(h, t, r);
    }
    if (r.notShownAfter() > 0) {
      h.raw("<p class=\"muted\">")
          .text(
              r.notShownAfter()
                  + " later events in this window are not shown; narrow the window or move it"
                  + " later.")
          .raw("</p>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  private static void summary(Html h, TimelineRoutes.Result r) {
    h.raw("<section class=\"card stats\" id=\"summary\"><div><b>")
        .text(r.total())
        .raw("</b><span>")
        .text(r.total() == 1 ? "request" : "requests")
        .raw("</span></div><div class=\"blocked\"><b>")
        .text(r.blocked())
        .raw("</b><span>blocked</span></div>");
    if (!r.events().isEmpty()) {
      h.raw("<div><b>")
          .text(CLOCK.format(r.events().get(0).time()))
          .raw("</b><span>first</span></div><div><b>")
          .text(CLOCK.format(r.events().get(r.events().size() - 1).time()))
          .raw("</b><span>last</span></div>");
    }
    h.raw("</section>");
  }

  private static void controls(Html h, Timeline t) {
    h.raw("<form class=\"inline card\" method=\"get\" action=\"/timeline\" id=\"timeline-form\">");
    hidden(h, t.user() != null ? "user" : "ip", t.user() != null ? t.user() : t.ip());
    if (t.focus() != null) {
      hidden(h, "focus", t.focus().toString());
    }
    h.raw("<label>Around (UTC) <input name=\"at\" value=\"")
        .text(t.at())
        .raw("\"></label><label>Window <select name=\"minutes\">");
    boolean listed = false;
    for (int m : WINDOWS) {
      listed |= m == t.minutes();
      option(h, m, m == t.minutes());
    }
    if (!listed) {
      option(h, t.minutes(), true);
    }
    h.raw(
        "</select></label><div class=\"actions\"><button"
            + " type=\"submit\">Show</button></div></form>");
    Duration step = Duration.ofMinutes(t.minutes());
    h.raw("<nav class=\"paging split\"><a id=\"earlier\" href=\"")
        .text(Html.link("/timeline", t.params(t.at().minus(step), t.minutes())))
        .raw("\">← ")
        .text(label(t.minutes()))
        .raw(" earlier</a><a id=\"later\" href=\"")
        .text(Html.link("/timeline", t.params(t.at().plus(step), t.minutes())))
        .raw("\">")
        .text(label(t.minutes()))
        .raw(" later →</a></nav>");
  }

  private static void option(Html h, int minutes, boolean selected) {
    h.raw("<option value=\"")
        .text(minutes)
        .raw("\"")
        .raw(selected ? " selected" : "")
        .raw(">± ")
        .text(label(minutes))
        .raw("</option>");
  }

  private static String label(int minutes) {
    return minutes % 60 == 0 ? (minutes / 60) + " h" : minutes + " min";
  }

  private static void hidden(Html h, String name, String value) {
    h.raw("<input type=\"hidden\" name=\"").raw(name).raw("\" value=\"").text(value).raw("\">");
  }

  private static void table(Html h, Timeline t, TimelineRoutes.Result r) {
    h.raw(
            "<div class=\"scroll\"><table class=\"events timeline\""
                + " id=\"timeline\"><thead><tr><th>Time (UTC)</th>")
        .raw(
            "<th title=\"Time from the moment\">±</th><th>Site</th><th>URL</th><th>Search"
                + " terms</th><th>Categories</th>")
        .raw("<th>Decision</th><th>Rule</th></tr></thead><tbody>");
    boolean markedNow = false;
    for (AccessEvent e : r.events()) {
      if (!markedNow && e.time().isAfter(t.at())) {
        moment(h, t);
        markedNow = true;
      }
      String decision = e.decision().name().toLowerCase(Locale.ROOT);
      boolean focus = e.eventId().equals(t.focus());
      h.raw("<tr class=\"")
          .raw(decision)
          .raw(focus ? " focus" : "")
          .raw("\" data-id=\"")
          .text(e.eventId())
          .raw("\">");
      Views.cell(h, CLOCK.format(e.time()), "time");
      Views.cell(h, offset(t.at(), e.time()), "time muted");
      Views.cell(h, e.host(), null);
      Views.cell(h, e.url(), "url");
      Views.cell(h, e.searchTerms(), null);
      Views.cell(h, String.join(", ", e.categories()), null);
      h.raw("<td><span class=\"badge ")
          .raw(decision)
          .raw("\">")
          .raw(e.decision().name())
          .raw("</span></td>");
      Views.cell(h, e.rule(), "rule");
      h.raw("</tr>");
    }
    if (!markedNow) {
      moment(h, t);
    }
    h.raw("</tbody></table></div>");
  }

  private static void moment(Html h, Timeline t) {
    h.raw("<tr class=\"moment\"><td colspan=\"8\">")
        .text(CLOCK.format(t.at()) + " — the moment you came from")
        .raw("</td></tr>");
  }

  /** "-4:12", "+0:03", "+1:02:00": how long before or after the moment. */
  static String offset(Instant at, Instant time) {
    long s = Duration.between(at, time).getSeconds();
    String sign = s < 0 ? "−" : "+";
    s = Math.abs(s);
    return s >= 3600
        ? String.format(Locale.ROOT, "%s%d:%02d:%02d", sign, s / 3600, s / 60 % 60, s % 60)
        : String.format(Locale.ROOT, "%s%d:%02d", sign, s / 60, s % 60);
  }
}
