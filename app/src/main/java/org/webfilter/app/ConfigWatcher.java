package org.webfilter.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.config.PolicyEdits;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.WebfilterConfig;

/**
 * Watches the files a policy is made of (the configuration, its list roots and {@code lists.sources},
 * allow-list files, the UI's policy edits and the users file) and calls {@code onChange} on its own thread when any of them changes, so an edit takes
 * effect within seconds without a restart. Polling file times is deliberate: it works the same on every
 * file system, and a list root has only a few hundred files.
 */
final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  static final long POLL_MILLIS = 1_000;
  /** An editor writes a file in several steps; wait until it has been still for this long. */
  static final long SETTLE_MILLIS = 500;

  private final List<Path> watched;
  private final Runnable onChange;
  private final Thread thread;
  private volatile boolean running = true;

  private ConfigWatcher(List<Path> watched, Runnable onChange) {
    this.watched = watched;
    this.onChange = onChange;
    this.thread = new Thread(this::loop, "config-watcher");
    this.thread.setDaemon(true);
  }

  static ConfigWatcher start(WebfilterConfig config, Runnable onChange) {
    List<Path> paths = new ArrayList<>();
    paths.add(config.file());
    paths.add(config.usersFile());
    paths.addAll(config.lists().roots());
    paths.add(config.dataDir().resolve("lists"));
    paths.add(PolicyEdits.file(config.dataDir())); // the UI's policy edits
    paths.add(config.file().toAbsolutePath().getParent().resolve("phrases"));
    config.lists().sources().forEach(s -> paths.add(s.path())); // lists.sources files and folders
    for (RoleSettings r : config.roles().values()) {
      paths.addAll(r.allowLists());
    }
    ConfigWatcher w = new ConfigWatcher(List.copyOf(paths), onChange);
    w.thread.start();
    return w;
  }

  private void loop() {
    Map<Path, String> last = snapshot();
    while (running) {
      try {
        Thread.sleep(POLL_MILLIS);
        Map<Path, String> now = snapshot();
        if (!now.equals(last)) {
          Thread.sleep(SETTLE_MILLIS);
          last = snapshot();
          onChange.run();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.error("reloading the configuration failed; the policy in force stays", e);
      }
    }
  }

  /** Modification time and size of every watched file, and of the files in watched folders (two levels). */
  private Map<Path, String> snapshot() {
    Map<Path, String> out = new HashMap<>();
    for (Path p : watched) {
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.walk(p, 3)) {
          s.filter(Files::isRegularFile).forEach(f -> out.put(f, stamp(f)));
        } catch (IOException | RuntimeException e) {
          out.put(p, "unreadable");
        }
      } else {
        out.put(p, stamp(p));
      }
    }
    return out;
  }

  private static String stamp(Path p) {
    try {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + ":" + a.size();
    } catch (IOException e) {
      return "missing";
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
