package org.webfilter.ui;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;

/** Users, the audit log and the change-password form. Every value goes through {@link Html#text}. */
final class AdminViews {
  private AdminViews() {}

  private static void roleSelect(Html h, List<String> roles, String chosen) {
    if (roles.isEmpty()) {
      h.raw("<input name=\"role\" required value=\"").text(chosen == null ? "" : chosen).raw("\">");
      return;
    }
    h.raw("<select name=\"role\">");
    for (String r : roles) {
      h.raw("<option").raw(r.equals(chosen) ? " selected" : "").raw(" value=\"").text(r).raw("\">").text(r).raw("</option>");
    }
    h.raw("</select>");
  }

  private static void uiRoleBoxes(Html h, User u) {
    for (UiRole r : UiRole.values()) {
      h.raw("<label class=\"check\"><input type=\"checkbox\" name=\"uiRoles\" value=\"").raw(r.id()).raw("\"")
          .raw(u != null && u.hasUiRole(r) ? " checked" : "").raw("> ").raw(r.id()).raw("</label>");
    }
  }

  static String users(User me, String csrf, List<User> users, List<String> roles, String message, String error) {
    Html h = Views.head("Users");
    Views.header(h, me, csrf);
    h.raw("<main><h1>Users</h1><p class=\"muted\">UI roles: <b>dsl</b> reads web activity and alerts, <b>ict</b> edits the policy, ")
        .raw("<b>admin</b> does everything and manages users. The policy role decides what the person may browse through the proxy.</p>");
    PolicyViews.flash(h, message, error);
    h.raw("<div class=\"scroll\"><table class=\"events\" id=\"users\"><thead><tr><th>User</th><th>Policy role and UI roles</th>")
        .raw("<th>Reset password</th></tr></thead><tbody>");
    for (User u : users) {
      String base = "/admin/users/" + Html.escape(java.net.URLEncoder.encode(u.name(), java.nio.charset.StandardCharsets.UTF_8));
      h.raw("<tr><td>").text(u.name()).raw("</td><td><form method=\"post\" class=\"row\" action=\"").raw(base).raw("/roles\">");
      PolicyViews.csrfField(h, csrf);
      roleSelect(h, roles, u.role());
      uiRoleBoxes(h, u);
      h.raw("<button type=\"submit\" class=\"secondary\">Save</button></form></td><td><form method=\"post\" class=\"row\" action=\"")
          .raw(base).raw("/password\">");
      PolicyViews.csrfField(h, csrf);
      h.raw("<input type=\"password\" name=\"password\" autocomplete=\"new-password\" minlength=\"").raw(Integer.toString(AdminRoutes.MIN_PASSWORD))
          .raw("\" required placeholder=\"new password\"><button type=\"submit\" class=\"secondary\">Reset</button></form></td></tr>");
    }
    h.raw("</tbody></table></div><section class=\"card\"><h2>Add a user</h2><form method=\"post\" class=\"inline\" id=\"add-user\" action=\"/admin/users\">");
    PolicyViews.csrfField(h, csrf);
    h.raw("<label>Name <input name=\"name\" required></label><label>Policy role ");
    roleSelect(h, roles, null);
    h.raw("</label><div class=\"checks\">");
    uiRoleBoxes(h, null);
    h.raw("</div><label>Password <input type=\"password\" name=\"password\" autocomplete=\"new-password\" required minlength=\"")
        .raw(Integer.toString(AdminRoutes.MIN_PASSWORD)).raw("\"></label><div class=\"actions\"><button type=\"submit\">Add</button></div></form></section>");
    h.raw("</main></body></html>");
    return h.toString();
  }

  static String audit(User me, String csrf, List<JsonNode> entries) {
    Html h = Views.head("Audit log");
    Views.header(h, me, csrf);
    h.raw("<main><h1>Audit log</h1><p class=\"muted\">Who searched, viewed or changed what; newest first (last ")
        .text(entries.size()).raw(" entries; all of them: <code>GET /api/audit?limit=1000</code>).</p>")
        .raw("<div class=\"scroll\"><table class=\"events\" id=\"audit\"><thead><tr><th>Time (UTC)</th><th>Who</th><th>Action</th>")
        .raw("<th>Details</th></tr></thead><tbody>");
    for (JsonNode e : entries) {
      h.raw("<tr>");
      Views.cell(h, e.path("time").asText(), "time");
      Views.cell(h, e.path("actor").asText(), null);
      Views.cell(h, e.path("action").asText(), "rule");
      StringBuilder d = new StringBuilder();
      for (var it = e.path("details").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        d.append(d.length() == 0 ? "" : "; ").append(f.getKey()).append('=').append(f.getValue().asText());
      }
      Views.cell(h, d, "url");
      h.raw("</tr>");
    }
    h.raw("</tbody></table></div></main></body></html>");
    return h.toString();
  }

  static String password(User me, String csrf, String message, String error) {
    Html h = Views.head("Change password");
    Views.header(h, me, csrf);
    h.raw("<main><h1>Change your password</h1>");
    PolicyViews.flash(h, message, error);
    h.raw("<section class=\"card narrow\"><form method=\"post\" action=\"/password\" id=\"password\" class=\"stack\">");
    PolicyViews.csrfField(h, csrf);
    h.raw("<label>Current password <input type=\"password\" name=\"current\" autocomplete=\"current-password\" required></label>")
        .raw("<label>New password (at least ").raw(Integer.toString(AdminRoutes.MIN_PASSWORD))
        .raw(" characters) <input type=\"password\" name=\"password\" autocomplete=\"new-password\" required></label>")
        .raw("<label>New password again <input type=\"password\" name=\"confirm\" autocomplete=\"new-password\" required></label>")
        .raw("<button type=\"submit\">Change password</button></form></section></main></body></html>");
    return h.toString();
  }
}
