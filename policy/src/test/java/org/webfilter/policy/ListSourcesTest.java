package org.webfilter.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;

/** {@code lists.sources}: single hosts, plain and UT1-folder lists, each under one configured category. */
class ListSourcesTest {
  static final Instant NOW = Instant.parse("2026-11-23T10:15:00Z");
  @TempDir Path dir;

  private Path config(String... lines) throws IOException {
    Path f = dir.resolve("conf/webfilter.yaml");
    Files.createDirectories(f.getParent());
    Files.write(f, List.of(lines));
    return f;
  }

  private void write(String rel, String... lines) throws IOException {
    Path p = dir.resolve(rel);
    Files.createDirectories(p.getParent());
    Files.write(p, List.of(lines));
  }

  @Test
  void plainFile_fromTheSharedData_blocksItsDomainsUnderTheConfiguredCategory() throws Exception {
    Path vaping = SharedData.dir().resolve("blocklistproject/vaping.txt").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(vaping), "shared list data not found: " + vaping);
    List<String> lines = Files.readAllLines(vaping);
    int line = 0;
    while (lines.get(line).isBlank() || lines.get(line).startsWith("#")) {
      line++;
    }
    String domain = lines.get(line).strip();
    Path f = config("data-dir: ../data", "lists:", "  sources:",
        "    - {path: " + vaping + ", format: plain, category: drugs}",
        "roles:", "  pupil: {block-categories: [drugs]}");
    PolicyLoader.Loaded loaded = PolicyLoader.load(f, ConfigOverrides.NONE);
    assertTrue(loaded.lists().domains() > 100, "loaded " + loaded.lists().domains());
    Decision d = loaded.policy().decide("pupil", Target.parse("http://a." + domain + "/"), NOW);
    assertEquals("pupil.category.drugs", d.rule(), d.trace().toString());
    assertEquals("category drugs: domain " + domain + " (" + vaping + ":" + (line + 1) + ")", d.trace().get(0));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "hosts, http://tracker.test/x,   advertising",
    "hosts, http://ads.test/,        advertising",
    "hosts, http://single.test/,     advertising",
    "hosts, http://localhost.test/,  ''",
    "ut1,   http://games.test/,      games",
    "ut1,   http://school.test/play, games",
  })
  void hostsFilesAndUt1Folders_pathsRelativeToTheConfig(String format, String url, String category) throws Exception {
    write("conf/my/hosts.txt", "# hosts", "0.0.0.0 ads.test tracker.test", "127.0.0.1 localhost", "single.test");
    write("conf/my/games/domains", "games.test");
    write("conf/my/games/urls", "school.test/play");
    Path f = config("data-dir: ../data", "lists:", "  sources:",
        "    - {path: my/hosts.txt, format: hosts, category: advertising}",
        "    - {path: my/games, format: ut1, category: games}",
        "roles:", "  pupil: {}");
    Policy p = PolicyLoader.load(f, ConfigOverrides.NONE).policy();
    assertEquals(category.isEmpty() ? java.util.Set.of() : java.util.Set.of(category),
        p.decide("pupil", Target.parse(url), NOW).categories());
  }

  @Test
  void badSources_areReportedWithFileLineAndKey() throws Exception {
    write("conf/bad.txt", "ok.test", "not a host!");
    write("conf/illegal.hosts", "0.0.0.0 abuse.test");
    Path f = config(
        /* 1 */ "data-dir: ../data",
        /* 2 */ "lists:",
        /* 3 */ "  sources:",
        /* 4 */ "    - {path: missing.txt, format: plain, category: adult}",
        /* 5 */ "    - {path: bad.txt, format: csv, category: adult}",
        /* 6 */ "    - {path: bad.txt, format: plain, category: porn}",
        /* 7 */ "    - {path: bad.txt, format: plain, category: adult}",
        /* 8 */ "    - {path: illegal.hosts, format: hosts, category: illegal}",
        /* 9 */ "roles:",
        /* 10 */ "  pupil: {allow: [www.abuse.test]}");
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyLoader.load(f, ConfigOverrides.NONE));
    String conf = dir.resolve("conf") + "/";
    List<String> errors = e.errors().stream().map(ConfigError::toString).map(s -> s.replace(conf, "")).toList();
    List<String> expected = List.of(
        "webfilter.yaml:4: lists.sources[0].path: missing.txt is not a readable file",
        "webfilter.yaml:5: lists.sources[1].format: 'csv' (expected one of: ut1, hosts, plain)",
        "webfilter.yaml:6: lists.sources[2].category: unknown category 'porn'",
        "webfilter.yaml:10: roles.pupil.allow[0]: 'www.abuse.test' is in the illegal category");
    for (String x : expected) {
      assertTrue(errors.stream().anyMatch(s -> s.startsWith(x)), x + " not in " + errors);
    }
  }

  @Test
  void badLineInASourceFile_namesFileLineAndTheSourceKey() throws Exception {
    write("conf/bad.txt", "ok.test", "not a host!");
    Path f = config("data-dir: ../data", "lists:", "  sources:",
        "    - {path: bad.txt, format: plain, category: adult}", "roles:", "  pupil: {}");
    ConfigException e = assertThrows(ConfigException.class, () -> PolicyLoader.load(f, ConfigOverrides.NONE));
    assertEquals(1, e.errors().size(), e.errors().toString());
    String s = e.errors().get(0).toString();
    assertTrue(s.startsWith(dir.resolve("conf/bad.txt") + ":2: lists.sources[0]: "), s);
  }
}
