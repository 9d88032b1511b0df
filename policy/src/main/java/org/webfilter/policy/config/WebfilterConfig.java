package org.webfilter.policy.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole validated configuration. Keys are documented in docs/configuration.md.
 *
 * @param file the file it was read from
 * @param usersFile the users file (proxy and UI logins), {@code <data-dir>/users.yaml} by default
 * @param roles every role, inheritance resolved, in the order written
 * @param calendar the school's time zone and term dates, for time rules
 * @param alerts which blocked or logged categories raise a safeguarding alert, and how urgent
 */
public record WebfilterConfig(
    Path file,
    ProxySettings proxy,
    UiSettings ui,
    Path dataDir,
    KafkaSettings kafka,
    ListSettings lists,
    IdentitySettings identity,
    Path usersFile,
    Map<String, RoleSettings> roles,
    SchoolCalendar calendar,
    List<AlertRule> alerts) {

  public WebfilterConfig {
    roles = Collections.unmodifiableMap(new LinkedHashMap<>(roles));
    alerts = List.copyOf(alerts);
  }
}
