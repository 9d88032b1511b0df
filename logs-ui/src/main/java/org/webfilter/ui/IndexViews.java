package org.webfilter.ui;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.webfilter.policy.User;

/** The admin's view of the event index. */
final class IndexViews {
  private IndexViews() {}

  static String page(
      User user,
      String csrf,
      String banner,
      EventStore.Stats s,
      RetentionPurge purge,
      List<Path> movedAside,
      boolean canRebuild,
      String message,
      String error) {
    Html h = Views.head("Event index");
    Views.header(h, user, csrf);
    h.raw("<main>");
    Views.banner(h, banner);
    h.raw("<h1>Event index</h1>");
    PolicyViews.flash(h, message, error);
    h.raw("<section class=\"card stats\" id=\"index-stats\"><div><b>")
        .text(String.format(Locale.UK, "%,d", s.events()))
        .raw("</b><span>events</span></div><div><b>")
        .text(mebibytes(s.bytesOnDisk()))
        .raw("</b><span>on disk</span></div>")
        .raw("<div><b>")
        .text(s.oldest() == null ? "—" : s.oldest().toString().substring(0, 10))
        .raw("</b><span>oldest</span></div><div><b>")
        .text(s.newest() == null ? "—" : s.newest().toString().substring(0, 10))
        .raw("</b><span>newest</span></div></section>");
    h.raw("<section class=\"card\"><h2>Retention</h2><p>Events older than <b>")
        .text(purge.days())
        .raw(" days</b> (<code>ui.retention-days</code>) are deleted at start and once a day. ");
    RetentionPurge.Run last = purge.last();
    if (last != null) {
      h.raw("Last run ")
          .text(last.at())
          .raw(": deleted ")
          .text(last.deleted())
          .raw(" events older than ")
          .text(last.cutoff())
          .raw(".");
    }
    h.raw(
        "</p><p class=\"muted\">Safeguarding alerts and their outcomes are kept; see the"
            + " configuration guide.</p></section>");
    h.raw(
            "<section class=\"card\"><h2>Rebuild from Kafka</h2><p>Empties the index and reads"
                + " every event Kafka still")
        .raw(
            " keeps (<code>webfilter.access</code>, from the earliest retained offset) into it"
                + " again. Searches are")
        .raw(
            " incomplete until it has caught up. Use it after restoring a backup or when results"
                + " look wrong.</p>");
    if (canRebuild) {
      h.raw(
          "<form method=\"post\" action=\"/admin/index/rebuild\" id=\"rebuild\" class=\"inline\">");
      PolicyViews.csrfField(h, csrf);
      // A deliberate tick instead of a script confirm() (the Content-Security-Policy allows no
      // inline script).
      h.raw(
              "<label class=\"check\"><input type=\"checkbox\" name=\"confirm\" value=\"yes\""
                  + " required>")
          .raw(
              " Empty the index now and refill it from Kafka</label><button type=\"submit\">Rebuild"
                  + " index</button></form>");
    } else {
      h.raw("<p class=\"muted\">No Kafka is configured for this UI, so it cannot rebuild.</p>");
    }
    if (!movedAside.isEmpty()) {
      h.raw(
              "<h3>Damaged indexes moved aside</h3><p class=\"muted\">Kept for inspection; delete"
                  + " them when you no")
          .raw(" longer need them.</p><ul class=\"mono\">");
      for (Path p : movedAside) {
        h.raw("<li>").text(p.getFileName()).raw("</li>");
      }
      h.raw("</ul>");
    }
    h.raw("</section></main></body></html>");
    return h.toString();
  }

  private static String mebibytes(long bytes) {
    return String.format(Locale.UK, "%.1f MiB", bytes / 1048576.0);
  }
}
