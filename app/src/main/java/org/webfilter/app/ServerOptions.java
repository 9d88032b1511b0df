package org.webfilter.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.WebfilterConfig;
import picocli.CommandLine.Option;

/** The flags shared by {@code run}, {@code proxy}, {@code ui} and {@code check} (SPEC §1); they override the file. */
final class ServerOptions {
  @Option(names = "--config", paramLabel = "FILE", description = "configuration file (default: ${DEFAULT-VALUE})")
  Path config = defaultConfig();

  /** {@code conf/webfilter.yaml} here, else in the installation the launcher script names. */
  private static Path defaultConfig() {
    Path local = Path.of("conf/webfilter.yaml");
    String home = System.getProperty("webfilter.home");
    return Files.exists(local) || home == null ? local : Path.of(home, "conf", "webfilter.yaml");
  }

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (Kafka, index, users, audit)")
  Path dataDir;

  @Option(names = "--proxy-port", paramLabel = "N", description = "proxy port (0: pick a free port)")
  Integer proxyPort;

  @Option(names = "--ui-port", paramLabel = "N", description = "logs UI port (0: pick a free port)")
  Integer uiPort;

  @Option(names = "--lists", paramLabel = "DIR", description = "extra UT1-format list root, loaded after the configured ones (repeatable)")
  List<Path> lists = new ArrayList<>();

  @Option(names = "--kafka", paramLabel = "HOST:PORT", description = "external Kafka bootstrap servers (no embedded broker)")
  String kafka;

  @Option(names = "--resolve", paramLabel = "HOST=IP", description = "resolve HOST to IP in the proxy, like curl's --resolve; IP may be private or loopback (repeatable)")
  List<String> resolve = new ArrayList<>();

  ConfigOverrides overrides() {
    Map<String, String> r = new LinkedHashMap<>();
    for (String s : resolve) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new Main.UsageError("--resolve " + s + " (expected: HOST=IP)");
      }
      r.put(s.substring(0, eq).trim().toLowerCase(), s.substring(eq + 1).trim());
    }
    for (Integer port : new Integer[] {proxyPort, uiPort}) {
      if (port != null && (port < 0 || port > 65535)) {
        throw new Main.UsageError("port " + port + " (expected: 0-65535)");
      }
    }
    return new ConfigOverrides(dataDir, proxyPort, uiPort, lists, kafka, r);
  }

  /** Loads and validates the configuration; every error is printed and the command exits 2. */
  WebfilterConfig load() {
    return Loading.config(config, overrides());
  }
}
