package org.webfilter.policy;

import java.util.Locale;

/** What a user may do in the logs UI: DSL reads access logs and alerts, ICT edits policy, admin both and more. */
public enum UiRole {
  DSL,
  ICT,
  ADMIN;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code dsl}, {@code ict} or {@code admin}. */
  public static UiRole parse(String s) {
    for (UiRole r : values()) {
      if (r.id().equals(s.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown UI role '" + s + "' (expected: dsl, ict or admin)");
  }
}
