package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Command-line flags that override the file ({@code --data-dir}, {@code --proxy-port}, ...). A {@code
 * null} field leaves the file's value alone; {@code extraLists} are loaded after the configured roots.
 */
public record ConfigOverrides(
    Path dataDir,
    Integer proxyPort,
    Integer uiPort,
    List<Path> extraLists,
    String kafkaBootstrap,
    Map<String, String> resolve) {

  public static final ConfigOverrides NONE = new ConfigOverrides(null, null, null, List.of(), null, Map.of());

  public ConfigOverrides {
    extraLists = List.copyOf(extraLists);
    resolve = Map.copyOf(resolve);
  }
}
