package org.webfilter.ui;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.webfilter.categoriser.Target;
import org.webfilter.policy.PolicyHolder;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.Verdict;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.UiSettings;

/**
 * A small real configuration (roles {@code pupil} extends {@code base}, {@code staff}; lists with
 * {@code games.test}, {@code chat.test} and the illegal {@code bad.test}), its policy in a {@link
 * PolicyHolder}, and the logs UI started on port 0 with the production wiring.
 */
final class PolicyFixture implements AutoCloseable {
  final Path dir;
  final Path configFile;
  final Path dataDir;
  final PolicyHolder holder;
  final MutableClock clock;
  final LogsUi ui;
  final Http http;

  PolicyFixture(Path dir) throws IOException, ConfigException {
    this.dir = dir;
    write(dir.resolve("lists/games/domains"), "games.test");
    write(dir.resolve("lists/chat/domains"), "chat.test");
    write(dir.resolve("lists/illegal/domains"), "bad.test");
    configFile = dir.resolve("conf/webfilter.yaml");
    write(configFile,
        "data-dir: ../data",
        "lists: {roots: [../lists]}",
        "roles:",
        "  base:",
        "    block-categories: [illegal, games]",
        "    log-categories: [chat]",
        "    block: [hand.test]",
        "  pupil:",
        "    extends: base",
        "  staff:",
        "    block-categories: [illegal]");
    dataDir = dir.resolve("data");
    holder = new PolicyHolder(PolicyLoader.load(configFile, ConfigOverrides.NONE).policy());
    clock = new MutableClock(TestEvents.T0);
    ui = LogsUi.start(new UiSettings("127.0.0.1", 0), null, dataDir, TestUsers.store(),
        new PolicyAccess(holder, configFile, ConfigOverrides.NONE), clock);
    http = new Http(ui.port());
  }

  static void write(Path file, String... lines) throws IOException {
    Files.createDirectories(file.getParent());
    Files.write(file, List.of(lines));
  }

  /** What the policy in force (the one the proxy reads) decides for {@code role} at {@code url}. */
  Verdict decide(String role, String url) {
    return holder.get().decide(role, Target.parse(url), clock.instant()).verdict();
  }

  String audit() throws IOException {
    Path f = dataDir.resolve("audit.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Override
  public void close() {
    ui.close();
  }
}
