package org.webfilter.policy.config;

/**
 * {@code ui:} keys: where the logs UI listens (default {@code 127.0.0.1:8080}; 0 picks a free
 * port), and {@code retention-days}: access events older than this many days are deleted from the
 * UI's index (default {@value #DEFAULT_RETENTION_DAYS}).
 */
public record UiSettings(String bind, int port, int retentionDays) {
  public static final int DEFAULT_RETENTION_DAYS = 365;

  public UiSettings {
    if (retentionDays < 1) {
      throw new IllegalArgumentException(
          "ui.retention-days: " + retentionDays + " (expected: at least 1)");
    }
  }

  /** With the default retention. */
  public UiSettings(String bind, int port) {
    this(bind, port, DEFAULT_RETENTION_DAYS);
  }
}
