package org.webfilter.policy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path write(String... lines) throws IOException {
    return ConfigFiles.write(dir, lines);
  }

  @Test
  void shippedConfig_isValid_andDefinesPupilAndStaff() throws Exception {
    WebfilterConfig c = ConfigLoader.load(Path.of("../conf/webfilter.yaml"));
    assertTrue(c.roles().get("pupil").blockedCategories().containsAll(
        List.of("illegal", "extremist", "hate", "adult", "webmail", "gambling", "drugs", "self-harm",
            "violence", "malware", "proxy-avoidance", "dating")));
    assertTrue(c.roles().get("staff").blockedCategories().containsAll(List.of("illegal", "extremist", "adult", "malware")));
    assertTrue(!c.roles().get("staff").blockedCategories().contains("webmail"));
    assertEquals(3128, c.proxy().port());
    assertEquals(8080, c.ui().port());
    assertTrue(c.kafka().embedded());
    assertEquals("pupil", c.identity().networks().get(0).role());
  }

  @Test
  void everyError_isReported_withLineAndKey() throws IOException {
    Path f = write(
        "proxy:",
        "  port: 70000",
        "  allowed-networks: [10.0.0.0/33]",
        "  colour: blue",
        "identity:",
        "  default-role: nobody",
        "  networks:",
        "    - {network: 10.0.0.0/8, role: ghost}",
        "roles:",
        "  pupil:",
        "    block-categories: [adult, not-a-category]",
        "    allow: [a.example]",
        "    block: [a.example, 'bad host']");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    String file = f.toString();
    assertTrue(errors.contains(file + ":2: proxy.port: 70000 (expected: 0-65535)"), errors.toString());
    assertTrue(errors.stream().anyMatch(s -> s.startsWith(file + ":3: proxy.allowed-networks[0]: bad prefix length")), errors.toString());
    assertTrue(errors.stream().anyMatch(s -> s.startsWith(file + ":4: proxy.colour: unknown key")), errors.toString());
    assertTrue(errors.contains(file + ":6: identity.default-role: unknown role 'nobody'"), errors.toString());
    assertTrue(errors.contains(file + ":8: identity.networks[0].role: unknown role 'ghost'"), errors.toString());
    assertTrue(errors.contains(file + ":11: roles.pupil.block-categories[1]: unknown category 'not-a-category'"), errors.toString());
    assertTrue(errors.stream().anyMatch(s -> s.startsWith(file + ":13: roles.pupil.block[0]: 'a.example' is in both allow and block")), errors.toString());
    assertTrue(errors.stream().anyMatch(s -> s.startsWith(file + ":13: roles.pupil.block[1]: 'bad host'")), errors.toString());
    assertEquals(8, errors.size(), errors.toString());
  }

  @Test
  void brokenYaml_isReportedNotThrownRaw() throws IOException {
    Path f = write("roles: [unclosed");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(f));
    assertTrue(e.errors().get(0).message().startsWith("not valid YAML"), e.getMessage());
  }

  @Test
  void overrides_replaceFileValues_andAddListRoots() throws Exception {
    Path f = write("roles: {pupil: {block-categories: [adult]}}", "proxy: {port: 3128}");
    WebfilterConfig c = ConfigLoader.load(f, new ConfigOverrides(dir.resolve("d"), 0, 0,
        List.of(dir), "127.0.0.1:9092", Map.of("intranet.test", "10.0.0.5")));
    assertEquals(0, c.proxy().port());
    assertEquals(0, c.ui().port());
    assertEquals("127.0.0.1:9092", c.kafka().bootstrap());
    assertEquals(List.of(dir), c.lists().roots());
    assertEquals("10.0.0.5", c.proxy().resolve().get("intranet.test"));
    assertEquals(dir.resolve("d").resolve("users.yaml"), c.usersFile());
  }

  @Test
  void alerts_areRead_andBadOnesReportedWithLineAndKey() throws Exception {
    Path f = write(
        "alerts:",
        "  - {category: extremist, severity: high, search-score: 40}",
        "  - {category: proxy-avoidance, severity: low, kind: circumvention}",
        "roles: {pupil: {block-categories: [adult]}}");
    WebfilterConfig c = ConfigLoader.load(f);
    assertEquals(List.of(new AlertRule("extremist", "high", "extremist", 40),
        new AlertRule("proxy-avoidance", "low", "circumvention")), c.alerts());

    Path bad = write(
        "alerts:",
        "  - {category: extremist, severity: urgent}",
        "  - {category: nonsense, severity: low}",
        "  - {category: extremist, severity: low}",
        "  - {category: hate, severity: low, search-score: -5}",
        "roles: {pupil: {block-categories: [adult]}}");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(bad));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertTrue(errors.contains(bad + ":2: alerts[0].severity: 'urgent' (expected one of: low, medium, high, critical)"), errors.toString());
    assertTrue(errors.contains(bad + ":3: alerts[1].category: unknown category 'nonsense'"), errors.toString());
    assertTrue(errors.contains(bad + ":4: alerts[2].category: category 'extremist' has an alert rule already"), errors.toString());
    assertTrue(errors.stream().anyMatch(x -> x.startsWith(bad + ":5: alerts[3].search-score: ")), errors.toString());
  }

  @Test
  void noAlertsSection_meansTheDefaults() throws Exception {
    assertEquals(AlertRule.DEFAULTS, ConfigLoader.load(write("roles: {pupil: {block-categories: [adult]}}")).alerts());
  }
}
