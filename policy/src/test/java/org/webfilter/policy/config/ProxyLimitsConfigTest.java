package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code proxy.limits} and {@code proxy.upstream}: read, defaulted, and refused when out of range,
 * in the file (with file, line and key) and in code (the records' own checks).
 */
class ProxyLimitsConfigTest {
  private static final String ROLES = "roles: {pupil: {block-categories: [adult]}}";

  @TempDir Path dir;

  private Path write(String... lines) throws IOException {
    return ConfigFiles.write(dir, lines);
  }

  @Test
  void absent_givesTheDefaults() throws Exception {
    ProxySettings p = ConfigLoader.load(write("proxy: {port: 3129}", ROLES)).proxy();
    assertEquals(
        new ProxyLimits(
            8192, 16384, 100, 256, Duration.ofSeconds(70), Duration.ofSeconds(10), Duration.ofSeconds(15)),
        p.limits());
    assertEquals(new UpstreamSettings(Duration.ofSeconds(10), 32), p.upstream());
  }

  @Test
  void everyKey_isRead() throws Exception {
    Path f =
        write(
            "proxy:",
            "  limits:",
            "    max-request-line: 4096",
            "    max-header-bytes: 8192",
            "    max-header-count: 50",
            "    max-connections-per-client: 64",
            "    idle-timeout-seconds: 120",
            "    header-timeout-seconds: 5",
            "    connect-timeout-seconds: 7",
            "  upstream:",
            "    idle-keep-seconds: 4",
            "    idle-per-origin: 0",
            ROLES);
    ProxySettings p = ConfigLoader.load(f).proxy();
    assertEquals(
        new ProxyLimits(
            4096, 8192, 50, 64, Duration.ofSeconds(120), Duration.ofSeconds(5), Duration.ofSeconds(7)),
        p.limits());
    assertEquals(new UpstreamSettings(Duration.ofSeconds(4), 0), p.upstream());
  }

  @ParameterizedTest(name = "{0}.{1}: {2}")
  @CsvSource({
    "limits, max-request-line, 100, 256-1048576",
    "limits, max-header-bytes, 2000000, 1024-1048576",
    "limits, max-header-count, 7, 8-10000",
    "limits, max-connections-per-client, 0, 1-1000000",
    "limits, idle-timeout-seconds, -3, 1-86400",
    "limits, header-timeout-seconds, 0, 1-3600",
    "limits, connect-timeout-seconds, 10s, 1-600",
    "upstream, idle-keep-seconds, 0, 1-3600",
    "upstream, idle-per-origin, -1, 0-10000",
  })
  void badValue_isAnErrorNamingTheKeyAndLine(String section, String key, String value, String expected)
      throws Exception {
    Path f = write("proxy:", "  " + section + ":", "    " + key + ": " + value, ROLES);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertEquals(
        List.of(f + ":3: proxy." + section + "." + key + ": " + value + " (expected: " + expected + ")"),
        e.errors().stream().map(ConfigError::toString).toList());
  }

  @Test
  void unknownKey_isAnError() throws Exception {
    Path f = write("proxy:", "  upstream:", "    idle-keep: 5", ROLES);
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertEquals(1, e.errors().size(), e.getMessage());
    assertEquals("proxy.upstream.idle-keep", e.errors().get(0).key());
  }

  private static final Duration SECOND = Duration.ofSeconds(1);

  @Test
  void records_theLowestValuesAllowed_areAccepted() {
    assertDoesNotThrow(() -> new ProxyLimits(256, 1024, 8, 1, SECOND, SECOND, SECOND));
    assertDoesNotThrow(() -> new UpstreamSettings(SECOND, 0));
  }

  static Stream<Arguments> outOfRange() {
    return Stream.of(
        refused("proxy.limits.maxRequestLine: 255 (expected: >= 256)",
            () -> new ProxyLimits(255, 1024, 8, 1, SECOND, SECOND, SECOND)),
        refused("proxy.limits.maxHeaderBytes: 1023 (expected: >= 1024)",
            () -> new ProxyLimits(256, 1023, 8, 1, SECOND, SECOND, SECOND)),
        refused("proxy.limits.maxHeaderCount: 7 (expected: >= 8)",
            () -> new ProxyLimits(256, 1024, 7, 1, SECOND, SECOND, SECOND)),
        refused("proxy.limits.maxConnectionsPerClient: 0 (expected: >= 1)",
            () -> new ProxyLimits(256, 1024, 8, 0, SECOND, SECOND, SECOND)),
        refused("proxy.limits.idleTimeout: PT0S (expected: a positive duration)",
            () -> new ProxyLimits(256, 1024, 8, 1, Duration.ZERO, SECOND, SECOND)),
        refused("proxy.limits.headerTimeout: PT-1S (expected: a positive duration)",
            () -> new ProxyLimits(256, 1024, 8, 1, SECOND, SECOND.negated(), SECOND)),
        refused("proxy.limits.connectTimeout: PT0S (expected: a positive duration)",
            () -> new ProxyLimits(256, 1024, 8, 1, SECOND, SECOND, Duration.ZERO)),
        refused("proxy.upstream.idleKeep: PT0S (expected: a positive duration)",
            () -> new UpstreamSettings(Duration.ZERO, 0)),
        refused("proxy.upstream.idlePerOrigin: -1 (expected: >= 0)",
            () -> new UpstreamSettings(SECOND, -1)));
  }

  private static Arguments refused(String message, Executable make) {
    return Arguments.of(message, make);
  }

  /** Values made in code, not read from the file, are checked by the records themselves. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("outOfRange")
  void records_outOfRange_areRefusedNamingTheComponent(String message, Executable make) {
    assertEquals(message, assertThrows(IllegalArgumentException.class, make).getMessage());
  }
}
