package org.webfilter.app;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.events.AlertEvent.Severity;
import org.webfilter.categoriser.HostCacheStats;
import org.webfilter.events.Topics;
import org.webfilter.kafka.embedded.EmbeddedKafka;
import org.webfilter.policy.PolicyHolder;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.UiRole;
import org.webfilter.policy.User;
import org.webfilter.policy.UserStore;
import org.webfilter.policy.config.ConfigError;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.RoleSettings;
import org.webfilter.policy.config.WebfilterConfig;
import org.webfilter.proxy.KafkaEventPublisher;
import org.webfilter.proxy.ProxyOptions;
import org.webfilter.proxy.ProxyServer;
import org.webfilter.proxy.events.AlertRules;
import org.webfilter.proxy.events.PublisherOptions;
import org.webfilter.ui.LogsUi;
import org.webfilter.ui.PolicyAccess;

/**
 * The running product: the one place where the pieces are wired together. {@code webfilter run} and the
 * end-to-end tests (on port 0) both start it through {@link #start}.
 */
public final class Webfilter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Webfilter.class);

  /** Which servers to start: the all-in-one, or one part of a distributed install. */
  public enum Parts {
    ALL,
    PROXY,
    UI
  }

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private InetSocketAddress proxyAddress;
  private String uiUrl;
  private String kafkaBootstrap;
  private PolicyHolder policy;
  /** Held by every change of the policy in force on this node: file reloads and versions from the topic. */
  private final Object reloadLock = new Object();
  private volatile PolicyTopic policyTopic;

  private Webfilter() {}

  /**
   * Loads lists and policy, starts the embedded broker when {@code kafka.bootstrap} is empty (and parts
   * is ALL), then the proxy and/or the UI, and prints progress and the ready line on {@code out}.
   *
   * @throws Main.UsageError when a list or the users file is invalid (nothing is left running)
   */
  public static Webfilter start(Path configFile, ConfigOverrides overrides, Parts parts, PrintStream out)
      throws Exception {
    Webfilter w = new Webfilter();
    try {
      w.startParts(configFile, overrides, parts, out);
      return w;
    } catch (Exception | Error e) {
      w.close();
      throw e;
    }
  }

  private void startParts(Path configFile, ConfigOverrides overrides, Parts parts, PrintStream out)
      throws Exception {
    long t0 = System.nanoTime();
    WebfilterConfig config = Loading.config(configFile, overrides);
    Files.createDirectories(config.dataDir());
    if (parts != Parts.PROXY) {
      createFirstAdmin(config, Loading.users(config), out);
    }
    PolicyLoader.Loaded loaded = Loading.policy(configFile, overrides, out);
    UserStore users = loaded.users();
    policy = new PolicyHolder(loaded.policy());
    // Every part watches: the proxy enforces the files, the UI explains with them.
    running.push(ConfigWatcher.start(loaded.config(), () -> reload(configFile, overrides)));

    KafkaSettings kafka = config.kafka();
    if (kafka.embedded()) {
      if (parts != Parts.ALL) {
        throw new Main.UsageError("kafka.bootstrap is empty: `proxy` and `ui` need an external Kafka (--kafka HOST:PORT); `run` embeds one");
      }
      out.println("starting embedded Kafka in " + config.dataDir().resolve("kafka") + " ...");
      EmbeddedKafka broker = new EmbeddedKafka(config.dataDir().resolve("kafka"));
      broker.start();
      running.push(broker);
      broker.createTopics(List.of(kafka.accessTopic(), kafka.alertsTopic(), Topics.REVIEWS), kafka.partitions());
      kafka = kafka.withBootstrap(broker.bootstrapServers());
    }
    kafkaBootstrap = kafka.bootstrap();
    // Nodes of a trust share the UI's policy edits through one compacted topic.
    policyTopic = PolicyTopic.start(
        kafka, configFile, overrides, config.dataDir(), policy, reloadLock, config.proxy().nodeName());
    running.push(policyTopic);

    KafkaEventPublisher events = null;
    if (parts != Parts.UI) {
      // Events that Kafka cannot take right now wait in the spool, on disk, and are replayed in order.
      events = KafkaEventPublisher.start(
          kafka, PublisherOptions.defaults(config.dataDir().resolve("spool")), alertRules(config, policy));
      running.push(events);
    }
    if (parts != Parts.PROXY) {
      KafkaEventPublisher publisher = events;
      LogsUi ui = LogsUi.start(config.ui(), kafka, config.dataDir(), users,
          new PolicyAccess(policy, configFile, overrides),
          () -> (publisher == null ? "" : publisher.metrics().prometheusText())
              + policy.get().hostCacheStats().map(HostCacheStats::prometheusText).orElse(""));
      running.push(ui);
      uiUrl = "http://" + host(config.ui().bind()) + ":" + ui.port();
    }
    if (parts != Parts.UI) {
      ProxyServer proxy = ProxyServer.start(
          config.proxy(), policy, events, Clock.systemUTC(), Optional.empty(), proxyOptions(config));
      running.push(proxy);
      proxyAddress = proxy.address();
    }
    log.info("started in {} ms", (System.nanoTime() - t0) / 1_000_000);
    StringBuilder ready = new StringBuilder("webfilter ready");
    if (proxyAddress != null) {
      ready.append(" proxy=").append(host(proxyAddress.getHostString())).append(':').append(proxyAddress.getPort());
    }
    if (uiUrl != null) {
      ready.append(" ui=").append(uiUrl);
    }
    out.println(ready);
    out.flush();
  }

  /**
   * Per-role proxy switches read from the policy in force, so a reload changes them too: circumvention
   * checks for roles that block {@code proxy-avoidance}, SafeSearch for roles with {@code safe-search}.
   * The {@code proxy:} keys themselves (ports, limits, upstream pool) are read once, at start.
   */
  private ProxyOptions proxyOptions(WebfilterConfig config) {
    return ProxyOptions.defaults()
        .withConnectPorts(config.proxy().connectPorts())
        .withLimits(config.proxy().limits())
        .withUpstream(config.proxy().upstream())
        .withRestrictRole(role -> policy.get().role(role)
            .map(r -> r.blockedCategories().contains("proxy-avoidance")).orElse(true))
        .withSafeSearchRole(role -> policy.get().role(role).map(RoleSettings::safeSearch).orElse(true))
        // The school CA is made on first start; roles with tls-interception get full-URL decisions.
        .withInterception(config.dataDir().resolve("ca"),
            role -> policy.get().role(role).map(RoleSettings::tlsInterception).orElse(false));
  }

  /** The configured alert rules; search terms are scored with the live policy's phrase lists. */
  private static AlertRules alertRules(WebfilterConfig config, PolicyHolder policy) {
    return new AlertRules(config.alerts().stream()
        .map(a -> new AlertRules.Rule(a.category(), Severity.valueOf(a.severity().toUpperCase(Locale.ROOT)), a.kind(),
            a.searchScore()))
        .toList())
        .withSearchScoring(terms -> policy.get().phraseScores(terms));
  }

  /** Puts an edited configuration in force, or keeps the old one and says why. */
  private void reload(Path configFile, ConfigOverrides overrides) {
    List<ConfigError> errors;
    synchronized (reloadLock) {
      errors = PolicyLoader.reload(policy, configFile, overrides);
      PolicyTopic topic = policyTopic;
      if (errors.isEmpty() && topic != null) {
        topic.accepted(); // shares the UI's edits with the other nodes when they changed
      }
    }
    if (errors.isEmpty()) {
      log.info("configuration changed: new policy in force");
    } else {
      StringBuilder sb = new StringBuilder("configuration changed but is invalid; the policy in force stays:");
      errors.forEach(e -> sb.append("\n  ").append(e));
      log.error(sb.toString());
    }
  }

  /** On first start there is nobody to log in as: create {@code admin} and show the password once. */
  private static void createFirstAdmin(WebfilterConfig config, UserStore users, PrintStream out) {
    if (!users.isEmpty()) {
      return;
    }
    String password = randomPassword();
    String role = config.roles().containsKey("staff") ? "staff" : config.identity().defaultRole();
    users.put(new User("admin", role, Set.of(UiRole.ADMIN), UserStore.hash(password)));
    out.println("created UI user 'admin' with password: " + password);
    out.println("  (shown once; it is stored only as a bcrypt hash in " + config.usersFile() + ")");
  }

  private static String randomPassword() {
    String alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** A wildcard bind address is shown as the loopback address a local browser can use. */
  private static String host(String bind) {
    return bind.equals("0.0.0.0") || bind.equals("::") || bind.equals("0:0:0:0:0:0:0:0") ? "127.0.0.1" : bind;
  }

  public InetSocketAddress proxyAddress() {
    return proxyAddress;
  }

  /** {@code http://host:port} of the logs UI, or {@code null} when not started. */
  public String uiUrl() {
    return uiUrl;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  public PolicyHolder policy() {
    return policy;
  }

  /** The id of the shared policy version ({@code webfilter.policy} topic) in force here, if any. */
  public Optional<String> sharedPolicyVersion() {
    PolicyTopic t = policyTopic;
    return t == null ? Optional.empty() : Optional.ofNullable(t.status().versionInForce());
  }

  /** The id of the last shared policy version this node refused as invalid, if any. */
  public Optional<String> refusedSharedPolicyVersion() {
    PolicyTopic t = policyTopic;
    return t == null ? Optional.empty() : Optional.ofNullable(t.status().lastRefused());
  }

  /** Stops everything, newest first, so the proxy stops before its publisher and the broker last. */
  @Override
  public void close() {
    while (!running.isEmpty()) {
      AutoCloseable c = running.pop();
      try {
        c.close();
      } catch (Exception e) {
        log.warn("error while stopping {}: {}", c.getClass().getSimpleName(), e.toString());
      }
    }
  }

}
