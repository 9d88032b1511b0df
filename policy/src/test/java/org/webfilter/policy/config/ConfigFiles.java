package org.webfilter.policy.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Configuration files written for a test. */
final class ConfigFiles {
  private ConfigFiles() {}

  /** {@code dir/webfilter.yaml} holding {@code lines}. */
  static Path write(Path dir, String... lines) throws IOException {
    Path p = dir.resolve("webfilter.yaml");
    Files.write(p, List.of(lines));
    return p;
  }
}
