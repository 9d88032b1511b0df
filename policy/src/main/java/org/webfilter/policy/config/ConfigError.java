package org.webfilter.policy.config;

/**
 * One problem in the configuration or a file it names: {@code conf/webfilter.yaml:42: proxy.port: 70000
 * (expected: 1-65535)}.
 *
 * @param file the file
 * @param line 1-based line, or 0 when unknown
 * @param key the dotted key path, or empty
 * @param message what was wrong and what was expected
 */
public record ConfigError(String file, int line, String key, String message) {
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(file);
    if (line > 0) {
      sb.append(':').append(line);
    }
    sb.append(": ");
    if (!key.isEmpty()) {
      sb.append(key).append(": ");
    }
    return sb.append(message).toString();
  }
}
