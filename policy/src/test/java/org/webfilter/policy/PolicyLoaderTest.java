package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;

class PolicyLoaderTest {
  static final Instant AT = Instant.parse("2026-11-23T10:00:00Z");
  @TempDir Path dir;
  Path file;

  @BeforeEach
  void write() throws Exception {
    Files.createDirectories(dir.resolve("lists/games"));
    Files.write(dir.resolve("lists/games/domains"), List.of("games.test"));
    file = dir.resolve("webfilter.yaml");
    config("[games]");
  }

  void config(String blocked, String... more) throws Exception {
    List<String> lines = new java.util.ArrayList<>(List.of(
        "data-dir: data", "lists: {roots: [lists]}", "roles:", "  pupil:", "    block-categories: " + blocked));
    lines.addAll(List.of(more));
    Files.write(file, lines);
  }

  Verdict games(Policy p) {
    return p.decide("pupil", Target.parse("http://games.test/"), AT).verdict();
  }

  @Test
  void reload_goodEdit_isPutInForce() throws Exception {
    PolicyHolder holder = new PolicyHolder(PolicyLoader.load(file, ConfigOverrides.NONE).policy());
    assertEquals(Verdict.BLOCK, games(holder.get()));
    config("[]");
    assertEquals(List.of(), PolicyLoader.reload(holder, file, ConfigOverrides.NONE));
    assertEquals(Verdict.ALLOW, games(holder.get()));
  }

  @Test
  void reload_badEdit_isRefused_andTheOldPolicyStays() throws Exception {
    PolicyHolder holder = new PolicyHolder(PolicyLoader.load(file, ConfigOverrides.NONE).policy());
    Policy before = holder.get();
    config("[nope]", "    extends: pupil");
    List<ConfigError> errors = PolicyLoader.reload(holder, file, ConfigOverrides.NONE);
    assertEquals(List.of("roles.pupil.block-categories[0]", "roles.pupil.extends"),
        errors.stream().map(ConfigError::key).toList());
    assertSame(before, holder.get());
    assertEquals(Verdict.BLOCK, games(holder.get()));
  }

  @Test
  void load_reportsBadListLinesAndUsersFile_together() throws Exception {
    Files.write(dir.resolve("lists/games/domains"), List.of("games.test", "not a host"));
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/users.yaml"), List.of("users: [{name: x}]"));
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyLoader.load(file, ConfigOverrides.NONE));
    List<String> errors = e.errors().stream().map(ConfigError::toString).toList();
    assertEquals(2, errors.size(), errors.toString());
    assertTrue(errors.get(0).contains("users.yaml"), errors.toString());
    assertTrue(errors.get(1).startsWith(dir.resolve("lists/games/domains") + ":2: "), errors.toString());
  }
}
