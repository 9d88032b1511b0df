package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ui.retention-days}: how long the logs UI keeps access events (issue 7). */
class UiRetentionConfigTest {
  private static final String ROLES = "roles: {pupil: {block-categories: [adult]}}";

  @TempDir Path dir;

  private Path write(String... lines) throws IOException {
    return ConfigFiles.write(dir, lines);
  }

  @Test
  void retentionDays_defaultsTo365_andIsRead() throws Exception {
    assertEquals(365, ConfigLoader.load(write("ui: {port: 8081}", ROLES)).ui().retentionDays());
    assertEquals(
        30, ConfigLoader.load(write("ui: {retention-days: 30}", ROLES)).ui().retentionDays());
  }

  @Test
  void retentionDays_outOfRange_isAConfigErrorNamingTheKey() throws Exception {
    Path f = write("ui:", "  retention-days: 0", ROLES);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(
        e.errors().stream()
            .map(ConfigError::toString)
            .anyMatch(s -> s.equals(f + ":2: ui.retention-days: 0 (expected: 1-3650)")),
        e.getMessage());
  }
}
