package org.webfilter.policy.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is not usable; carries every problem found, not only the first. */
public final class ConfigException extends Exception {
  private final List<ConfigError> errors;

  public ConfigException(List<ConfigError> errors) {
    super(errors.size() + " configuration error(s):\n"
        + errors.stream().map(e -> "  " + e).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ConfigError> errors() {
    return errors;
  }
}
