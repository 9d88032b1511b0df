package org.webfilter.ui;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.webfilter.events.AccessEvent;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;

/**
 * The server-rendered pages. No inline script or style (the Content-Security-Policy forbids both),
 * and every piece of event data goes through {@link Html#text}, because URLs and search terms are
 * typed by pupils and may carry markup.
 */
final class Views {
  private Views() {}

  static String login(String error, String username) {
    Html h = head("Sign in");
    h.raw(
        "<main class=\"login\"><h1>webfilter</h1><p class=\"muted\">Sign in to review web"
            + " activity.</p>");
    if (error != null) {
      h.raw("<p class=\"error\" role=\"alert\">").text(error).raw("</p>");
    }
    h.raw("<form method=\"post\" action=\"/login\">")
        .raw(
            "<label>User name <input name=\"username\" autocomplete=\"username\" required autofocus"
                + " value=\"")
        .text(username)
        .raw("\"></label>")
        .raw(
            "<label>Password <input name=\"password\" type=\"password\""
                + " autocomplete=\"current-password\" required></label>")
        .raw("<button type=\"submit\">Sign in</button></form></main></body></html>");
    return h.toString();
  }

  /** A full page for an error, with the header when someone is signed in. */
  static String error(int status, String message, User user, String csrf) {
    Html h = head(status == 403 ? "Not allowed" : "Error");
    if (user != null) {
      header(h, user, csrf);
    }
    h.raw("<main><h1>").text(status == 403 ? "Not allowed" : "Something went wrong").raw("</h1>");
    h.raw("<p class=\"error\">").text(message).raw("</p></main></body></html>");
    return h.toString();
  }

  /**
   * The search form and one page of results.
   *
   * @param filters the non-empty parameters as given (to refill the form and build the next link)
   * @param error a bad-parameter message to show instead of results, or null
   */
  static String events(
      User user, String csrf, Map<String, String> filters, Page page, String error) {
    return events(user, csrf, null, filters, page, error);
  }

  /** As above, with the index's health banner (null when the index is fine). */
  static String events(
      User user, String csrf, String banner, Map<String, String> filters, Page page, String error) {
    Html h = head("Events");
    header(h, user, csrf);
    h.raw("<main>");
    banner(h, banner);
    h.raw("<h1>Web activity</h1>");
    searchForm(h, filters);
    if (error != null) {
      h.raw("<p class=\"error\" role=\"alert\">").text(error).raw("</p>");
    } else {
      table(h, page);
      paging(h, filters, page);
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  /** A warning strip about the event index (missing, damaged, being rebuilt); nothing when null. */
  static void banner(Html h, String banner) {
    if (banner != null) {
      h.raw("<p class=\"banner\" role=\"status\" id=\"index-banner\">").text(banner).raw("</p>");
    }
  }

  static Html head(String title) {
    return new Html()
        .raw("<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">")
        .raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .raw("<title>")
        .text(title)
        .raw(" · webfilter</title>")
        .raw("<link rel=\"stylesheet\" href=\"/static/app.css\"></head><body>");
  }

  static void header(Html h, User user, String csrf) {
    String roles =
        user.uiRoles().stream().map(UiRole::id).sorted().collect(Collectors.joining(", "));
    h.raw("<header class=\"top\"><a class=\"brand\" href=\"/\">webfilter</a><nav>");
    boolean dsl = user.hasUiRole(UiRole.DSL) || user.hasUiRole(UiRole.ADMIN);
    boolean ict = user.hasUiRole(UiRole.ICT) || user.hasUiRole(UiRole.ADMIN);
    if (dsl) {
      h.raw(
          "<a href=\"/events\">Events</a><a href=\"/alerts\">Alerts</a><a"
              + " href=\"/reports\">Reports</a>");
    }
    h.raw("<a href=\"/explain\">Why blocked?</a>");
    if (ict) {
      h.raw("<a href=\"/policy\">Policy</a><a href=\"/policy/history\">History</a>")
          .raw("<a href=\"/reviews\">Reviews</a>");
    }
    if (user.hasUiRole(UiRole.ADMIN)) {
      h.raw("<a href=\"/admin/users\">Users</a><a href=\"/admin/audit\">Audit</a>")
          .raw("<a href=\"/admin/index\">Index</a>");
    }
    h.raw("</nav><div class=\"who\"><span><a href=\"/password\" title=\"Change password\">")
        .text(user.name())
        .raw("</a> <span class=\"muted\">(")
        .text(roles)
        .raw(")</span></span>");
    if (csrf != null) {
      h.raw(
              "<form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\""
                  + " value=\"")
          .text(csrf)
          .raw("\"><button type=\"submit\" class=\"link\">Sign out</button></form>");
    }
    h.raw("</div></header>");
  }

  private static void searchForm(Html h, Map<String, String> f) {
    h.raw("<form class=\"search\" method=\"get\" action=\"/events\">");
    input(h, "user", "User", f, "text", "");
    input(h, "role", "Role", f, "text", "pupil");
    input(h, "ip", "Client IP", f, "text", "");
    input(h, "host", "Site", f, "text", "example.com");
    input(h, "category", "Category", f, "text", "gambling");
    h.raw("<label>Decision <select name=\"decision\"><option value=\"\">any</option>");
    String chosen = f.getOrDefault("decision", "").toUpperCase(Locale.ROOT);
    for (AccessEvent.Verdict v : AccessEvent.Verdict.values()) {
      h.raw("<option")
          .raw(v.name().equals(chosen) ? " selected" : "")
          .raw(">")
          .raw(v.name())
          .raw("</option>");
    }
    h.raw("</select></label>");
    input(h, "q", "Text in URL or search", f, "search", "");
    input(h, "from", "From (UTC)", f, "text", "2026-11-23T08:00");
    input(h, "to", "To (UTC)", f, "text", "2026-11-23T16:00");
    h.raw(
        "<div class=\"actions\"><button type=\"submit\">Search</button> <a"
            + " href=\"/events\">Clear</a>");
    // The export takes the same filters as the search; the cursor would start it mid-way, so drop
    // it.
    Map<String, String> export = new LinkedHashMap<>(f);
    export.remove("cursor");
    export.remove("limit");
    h.raw(" <a class=\"button secondary\" id=\"export-csv\" download href=\"")
        .text(Html.link(CsvExportRoutes.PATH, export))
        .raw("\" title=\"Up to ")
        .text(String.format(Locale.UK, "%,d", CsvExportRoutes.MAX_ROWS))
        .raw(" rows, newest first; the download is audited\">Export CSV</a></div></form>");
  }

  private static void input(
      Html h, String name, String label, Map<String, String> f, String type, String hint) {
    h.raw("<label>")
        .text(label)
        .raw(" <input name=\"")
        .raw(name)
        .raw("\" type=\"")
        .raw(type)
        .raw("\" value=\"");
    h.text(f.getOrDefault(name, "")).raw("\" placeholder=\"").text(hint).raw("\"></label>");
  }

  static void table(Html h, Page page) {
    if (page.events().isEmpty()) {
      h.raw("<p class=\"muted\">No events match.</p>");
      return;
    }
    h.raw("<div class=\"scroll\"><table class=\"events\"><thead><tr>");
    for (String c :
        new String[] {
          "Time (UTC)",
          "User",
          "Role",
          "IP",
          "Method",
          "URL",
          "Search terms",
          "Categories",
          "Decision",
          "Rule",
          "Status",
          ""
        }) {
      h.raw("<th scope=\"col\">").text(c).raw("</th>");
    }
    h.raw("</tr></thead><tbody>");
    for (AccessEvent e : page.events()) {
      // URLs are shown, never linked: a DSL should not open harmful sites by accident.
      h.raw("<tr>");
      cell(h, e.time().toString(), "time");
      cell(h, e.user() == null ? "—" : e.user(), null);
      cell(h, e.role(), null);
      cell(h, e.clientIp(), null);
      cell(h, e.method(), null);
      cell(h, e.url(), "url");
      cell(h, e.searchTerms(), null);
      cell(h, String.join(", ", e.categories()), null);
      h.raw("<td><span class=\"badge ")
          .raw(e.decision().name().toLowerCase(Locale.ROOT))
          .raw("\">")
          .raw(e.decision().name())
          .raw("</span></td>");
      cell(h, e.rule(), "rule");
      cell(h, e.status(), null);
      h.raw("<td><a class=\"nowrap\" href=\"")
          .text(Html.link("/timeline", Timeline.around(e, Timeline.DEFAULT_MINUTES).params()))
          .raw("\" title=\"Everything this pupil did around this moment\">Timeline</a></td>");
      h.raw("</tr>");
    }
    h.raw("</tbody></table></div>");
  }

  static void cell(Html h, Object value, String cssClass) {
    h.raw(cssClass == null ? "<td>" : "<td class=\"" + cssClass + "\">").text(value).raw("</td>");
  }

  private static void paging(Html h, Map<String, String> filters, Page page) {
    h.raw("<nav class=\"paging\">");
    if (filters.containsKey("cursor")) {
      Map<String, String> first = new LinkedHashMap<>(filters);
      first.remove("cursor");
      h.raw("<a href=\"").text(Html.link("/events", first)).raw("\">Newest</a>");
    }
    if (page.nextCursor() != null) {
      Map<String, String> next = new LinkedHashMap<>(filters);
      next.put("cursor", page.nextCursor());
      h.raw("<a href=\"").text(Html.link("/events", next)).raw("\">Older →</a>");
    }
    h.raw("</nav>");
  }
}
