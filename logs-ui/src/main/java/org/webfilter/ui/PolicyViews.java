package org.webfilter.ui;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.webfilter.policy.Decision;
import org.webfilter.policy.Policy;
import org.webfilter.policy.User;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.RoleSettings;

/** Pages for explain, the policy, its editing and its history. Every value goes through {@link Html#text}. */
final class PolicyViews {
  private PolicyViews() {}

  static void csrfField(Html h, String csrf) {
    if (csrf != null) {
      h.raw("<input type=\"hidden\" name=\"csrf\" value=\"").text(csrf).raw("\">");
    }
  }

  static void flash(Html h, String message, String error) {
    if (message != null) {
      h.raw("<p class=\"ok\" role=\"status\">").text(message).raw("</p>");
    }
    if (error != null) {
      h.raw("<p class=\"error\" role=\"alert\">").text(error).raw("</p>");
    }
  }

  static String explain(User user, String csrf, List<String> roles, Map<String, String> q,
      PolicyRoutes.Explained x, String error) {
    Html h = Views.head("Why is this blocked?");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Why is this blocked?</h1>")
        .raw("<p class=\"muted\">Enter an address and a role (or a user) to see what the policy in force decides, and why.</p>")
        .raw("<form class=\"search\" method=\"get\" action=\"/explain\" id=\"explain\">")
        .raw("<label class=\"wide\">Address <input name=\"url\" required placeholder=\"https://www.example.com/page\" value=\"")
        .text(q.getOrDefault("url", "")).raw("\"></label>")
        .raw("<label>Role <select name=\"role\"><option value=\"\">(the user's role)</option>");
    for (String r : roles) {
      h.raw("<option").raw(r.equals(q.get("role")) ? " selected" : "").raw(" value=\"").text(r).raw("\">").text(r).raw("</option>");
    }
    h.raw("</select></label>")
        .raw("<label>or user <input name=\"user\" value=\"").text(q.getOrDefault("user", "")).raw("\"></label>")
        .raw("<div class=\"actions\"><button type=\"submit\">Explain</button></div></form>");
    flash(h, null, error);
    if (x != null) {
      Decision d = x.decision();
      h.raw("<section class=\"card\" id=\"decision\"><h2><span class=\"badge ")
          .raw(d.verdict().name().toLowerCase(java.util.Locale.ROOT)).raw("\">").raw(d.verdict().name())
          .raw("</span> ").text(x.url()).raw("</h2>")
          .raw("<dl class=\"facts\"><dt>Role</dt><dd>").text(x.role()).raw("</dd>")
          .raw("<dt>Rule</dt><dd class=\"mono\">").text(d.rule()).raw("</dd>")
          .raw("<dt>Reason</dt><dd>").text(d.reason()).raw("</dd>")
          .raw("<dt>Categories</dt><dd>").text(d.categories().isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(d.categories()))).raw("</dd></dl>")
          .raw("<h3>Reason trace</h3><ol class=\"trace\">");
      for (String line : d.trace()) {
        h.raw(line.endsWith(": decided") ? "<li class=\"decided\">" : "<li>").text(line).raw("</li>");
      }
      h.raw("</ol></section>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  static String overview(User user, String csrf, Policy policy, int version) {
    Html h = Views.head("Policy");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Policy</h1><p class=\"muted\">Version ").text(version)
        .raw(" of the UI's changes. Changes made here are kept apart from the configuration file and take effect at once. ")
        .raw("<a href=\"/policy/history\">History</a></p>")
        .raw("<div class=\"scroll\"><table class=\"events\" id=\"roles\"><thead><tr><th>Role</th><th>Extends</th>")
        .raw("<th>Blocked categories</th><th>Logged categories</th><th>Allow entries</th><th>Block entries</th></tr></thead><tbody>");
    for (String name : policy.roleNames()) {
      RoleSettings s = policy.role(name).orElseThrow();
      h.raw("<tr><td><a href=\"/policy/roles/").text(name).raw("\">").text(name).raw("</a></td>");
      Views.cell(h, s.parent() == null ? "—" : s.parent(), null);
      Views.cell(h, String.join(", ", new java.util.TreeSet<>(s.blockedCategories())), null);
      Views.cell(h, String.join(", ", new java.util.TreeSet<>(s.logOnlyCategories())), null);
      Views.cell(h, s.allow().size(), null);
      Views.cell(h, s.block().size(), null);
      h.raw("</tr>");
    }
    h.raw("</tbody></table></div></main></body></html>");
    return h.toString();
  }

  static String role(User user, String csrf, RoleSettings s, RoleSettings parent, PolicyEdits.RoleEdits edits,
      Set<String> known, String message, String error) {
    String name = s.name();
    Html h = Views.head("Policy: " + name);
    Views.header(h, user, csrf);
    h.raw("<main><p><a href=\"/policy\">← All roles</a></p><h1>Role ").text(name).raw("</h1>");
    if (s.parent() != null) {
      h.raw("<p class=\"muted\">Extends ").text(s.parent()).raw(": changes here also apply to roles that extend this one.</p>");
    }
    flash(h, message, error);
    String base = "/policy/roles/" + Html.escape(java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8));

    h.raw("<section class=\"card\"><h2>Add an entry</h2><form method=\"post\" class=\"inline\" id=\"add-entry\" action=\"")
        .raw(base).raw("/entries\">");
    csrfField(h, csrf);
    h.raw("<input type=\"hidden\" name=\"action\" value=\"add\">")
        .raw("<label>Kind <select name=\"kind\"><option value=\"allow\">allow</option><option value=\"block\">block</option></select></label>")
        .raw("<label>Site <input name=\"entry\" required placeholder=\"example.com or example.com/path\"></label>")
        .raw("<label class=\"wide\">Reason <input name=\"reason\" required maxlength=\"500\" placeholder=\"why (kept in the history)\"></label>")
        .raw("<label>Time limit (allow) <select name=\"days\"><option value=\"0\">none</option><option value=\"1\">1 day</option>")
        .raw("<option value=\"7\">7 days</option><option value=\"30\">30 days</option><option value=\"90\">90 days</option></select></label>")
        .raw("<div class=\"actions\"><button type=\"submit\">Add</button></div></form></section>");

    h.raw("<section class=\"card\"><h2>Allow and block entries</h2>");
    List<RoleSettings.ListEntry> all = new java.util.ArrayList<>(s.allow());
    all.addAll(s.block());
    if (all.isEmpty()) {
      h.raw("<p class=\"muted\">No entries.</p>");
    } else {
      h.raw("<div class=\"scroll\"><table class=\"events\" id=\"entries\"><thead><tr><th>Entry</th><th>Kind</th><th>From</th>")
          .raw("<th>Reason</th><th>Expires</th><th>Remove</th></tr></thead><tbody>");
      for (RoleSettings.ListEntry e : all) {
        boolean allow = s.allow().contains(e);
        PolicyEdits.EditedEntry ed = (allow ? edits.allow() : edits.block()).stream()
            .filter(x -> PolicyEditor.normalise(x.value()).equals(e.value())).findFirst().orElse(null);
        h.raw("<tr>");
        Views.cell(h, e.value(), "mono nowrap");
        h.raw("<td><span class=\"badge ").raw(allow ? "allow" : "block").raw("\">").raw(allow ? "allow" : "block").raw("</span></td>");
        Views.cell(h, ed != null ? "UI: " + ed.author() + ", " + ed.time() : shortSource(e.source()), null);
        Views.cell(h, ed == null ? "" : ed.reason(), null);
        Views.cell(h, ed == null || ed.expires() == null ? "" : ed.expires().toString(), "time");
        h.raw("<td><form method=\"post\" class=\"row\" action=\"").raw(base).raw("/entries\">");
        csrfField(h, csrf);
        h.raw("<input type=\"hidden\" name=\"action\" value=\"remove\"><input type=\"hidden\" name=\"kind\" value=\"")
            .raw(allow ? "allow" : "block").raw("\"><input type=\"hidden\" name=\"entry\" value=\"").text(e.value())
            .raw("\"><input name=\"reason\" required placeholder=\"reason\" maxlength=\"500\"><button type=\"submit\" class=\"secondary\">Remove</button></form></td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    if (!s.allowLists().isEmpty()) {
      h.raw("<p class=\"muted\">Also allowed: the curated lists ");
      for (int i = 0; i < s.allowLists().size(); i++) {
        h.raw(i == 0 ? "" : ", ").raw("<code>").text(s.allowLists().get(i).getFileName()).raw("</code>");
      }
      h.raw(" (edit those files on the server).</p>");
    }
    h.raw("</section>");

    h.raw("<section class=\"card\"><h2>Categories</h2><form method=\"post\" id=\"categories\" action=\"").raw(base).raw("/categories\">");
    csrfField(h, csrf);
    h.raw("<div class=\"scroll\"><table class=\"events cats\"><thead><tr><th>Category</th><th>Blocked</th><th>Log only</th><th>From</th></tr></thead><tbody>");
    for (String c : known) {
      boolean b = s.blockedCategories().contains(c);
      boolean l = s.logOnlyCategories().contains(c);
      h.raw("<tr><td>").text(c).raw("</td><td><input type=\"checkbox\" name=\"blockedCategories\" value=\"").text(c).raw("\"")
          .raw(b ? " checked" : "").raw(c.equals("illegal") ? " disabled" : "").raw("></td>");
      if (c.equals("illegal") && b) {
        h.raw("<input type=\"hidden\" name=\"blockedCategories\" value=\"illegal\">");
      }
      h.raw("<td><input type=\"checkbox\" name=\"logOnlyCategories\" value=\"").text(c).raw("\"").raw(l ? " checked" : "").raw("></td><td class=\"muted\">");
      if (b || l) {
        Set<String> edited = b ? edits.blockCategories() : edits.logCategories();
        Set<String> inherited = parent == null ? Set.of() : b ? parent.blockedCategories() : parent.logOnlyCategories();
        h.text(PolicyRoutes.categorySource(c, edited, inherited, s.parent()));
      } else if (edits.unblockCategories().contains(c) || edits.unlogCategories().contains(c)) {
        h.text("ui-edit");
      }
      h.raw("</td></tr>");
    }
    h.raw("</tbody></table></div><label class=\"wide\">Reason <input name=\"reason\" required maxlength=\"500\"></label>")
        .raw("<div class=\"actions\"><button type=\"submit\">Save categories</button></div></form></section>");
    h.raw("</main></body></html>");
    return h.toString();
  }

  private static String shortSource(String source) {
    int slash = Math.max(source.lastIndexOf('/'), source.lastIndexOf('\\'));
    return slash < 0 ? source : source.substring(slash + 1);
  }

  static String history(User user, String csrf, List<PolicyEditor.Version> versions, String message, String error) {
    Html h = Views.head("Policy history");
    Views.header(h, user, csrf);
    h.raw("<main><h1>Policy history</h1><p class=\"muted\">Every change made in the UI, newest first. ")
        .raw("Rolling back restores that version's changes as a new version.</p>");
    flash(h, message, error);
    if (versions.isEmpty()) {
      h.raw("<p class=\"muted\">No changes yet.</p>");
    } else {
      h.raw("<div class=\"scroll\"><table class=\"events\" id=\"history\"><thead><tr><th>Version</th><th>Time (UTC)</th><th>Who</th>")
          .raw("<th>What</th><th>Reason</th><th>Changes</th><th>Roll back</th></tr></thead><tbody>");
      for (int i = versions.size() - 1; i >= 0; i--) {
        PolicyEditor.Version v = versions.get(i);
        h.raw("<tr data-version=\"").text(v.version()).raw("\">");
        Views.cell(h, v.version(), null);
        Views.cell(h, v.time().toString(), "time");
        Views.cell(h, v.author(), null);
        Views.cell(h, v.action(), "rule");
        Views.cell(h, v.reason(), null);
        h.raw("<td><ul class=\"diff\">");
        for (String d : v.diff()) {
          h.raw(d.startsWith("+") ? "<li class=\"add\">" : "<li class=\"del\">").text(d).raw("</li>");
        }
        h.raw("</ul></td><td>");
        rollbackForm(h, csrf, v.version() - 1, "to before this change");
        h.raw("</td></tr>");
      }
      h.raw("</tbody></table></div>");
    }
    h.raw("</main></body></html>");
    return h.toString();
  }

  private static void rollbackForm(Html h, String csrf, int version, String label) {
    h.raw("<form method=\"post\" class=\"row rollback\" action=\"/policy/history/rollback\">");
    csrfField(h, csrf);
    h.raw("<input type=\"hidden\" name=\"version\" value=\"").text(version).raw("\">")
        .raw("<input name=\"reason\" required placeholder=\"reason\" maxlength=\"500\">")
        .raw("<button type=\"submit\" class=\"secondary\" title=\"restore version ").text(version).raw("\">Undo</button></form>")
        .raw("<span class=\"muted small\">").text(label).raw("</span>");
  }
}
