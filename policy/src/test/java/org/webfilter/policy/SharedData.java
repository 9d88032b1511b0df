package org.webfilter.policy;

import java.nio.file.Path;

/**
 * Where the real public lists are read from at test time: {@code ../shared/data} beside the
 * repository, or {@code $WEBFILTER_SHARED_DATA} when the checkout lives elsewhere (as in categoriser).
 */
final class SharedData {
  private SharedData() {}

  static Path dir() {
    String env = System.getenv("WEBFILTER_SHARED_DATA");
    return env != null && !env.isBlank() ? Path.of(env) : Path.of("../../shared/data");
  }
}
