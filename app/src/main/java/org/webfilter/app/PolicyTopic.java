package org.webfilter.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.webfilter.policy.PolicyHolder;
import org.webfilter.policy.PolicyLoader;
import org.webfilter.policy.config.ConfigException;
import org.webfilter.policy.config.ConfigOverrides;
import org.webfilter.policy.config.KafkaSettings;
import org.webfilter.policy.config.PolicyEdits;

/**
 * Shares the UI's policy edits between the nodes of a multi-school trust through the compacted Kafka
 * topic {@value #TOPIC}. What is shared is the edits overlay ({@code policy-edits.yaml}) with a
 * version id, the node it came from, author and time; {@code webfilter.yaml} and the lists stay each
 * node's own files. Every record has the same key, so compaction keeps the latest version.
 *
 * <p>A node publishes when it accepted a version whose edits differ from the last one it saw on the
 * topic (a UI edit, a hand edit of the file). Every node applies the topic's records in offset order,
 * its own included, validating each like a reload: a version that does not load is refused with one
 * log line and the policy in force stays. A version applied from the topic is never published again
 * (its edits equal the last seen), so nodes do not echo each other; because all nodes apply the same
 * records in the same order, two simultaneous edits end with every node on the later one.
 *
 * <p>All Kafka work runs on this class's own thread and is retried while Kafka is away; an edit made
 * meanwhile is published when Kafka is back.
 *
 * <p>Following costs next to nothing while nobody edits: once caught up, the thread waits in one long
 * {@code poll} (the broker holds each fetch for {@value #FETCH_WAIT_MS} ms and answers at once when a
 * version arrives), and a version accepted here wakes it ({@link KafkaConsumer#wakeup}) to publish.
 */
final class PolicyTopic implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PolicyTopic.class);
  static final String TOPIC = "webfilter.policy";
  /** One key for every version: compaction keeps only the latest. */
  static final String KEY = "policy-edits";
  static final String HISTORY_FILE = "policy-history.jsonl"; // written by the logs UI
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration RETRY = Duration.ofSeconds(2);
  /** Poll while reading the versions on the topic at start: short, so catching up is noticed at once. */
  private static final Duration CATCH_UP_POLL = Duration.ofMillis(200);
  /** Poll once caught up: a new version or {@link #accepted} returns it earlier. */
  private static final Duration IDLE_POLL = Duration.ofSeconds(30);
  /** How long the broker holds a fetch that has nothing to return (Kafka's default: 500 ms). */
  static final int FETCH_WAIT_MS = 5_000;
  /**
   * Closing does not wait for the fetch the broker holds: well within the 1 s {@link #close} gives the
   * thread before it interrupts it.
   */
  private static final Duration CLOSE_TIMEOUT = Duration.ofMillis(500);

  /** What this node knows of the shared policy: the version in force and the last one it refused. */
  record Status(String versionInForce, String lastRefused) {}

  private final KafkaSettings kafka;
  private final Path configFile;
  private final ConfigOverrides overrides;
  private final Path editsFile;
  private final Path historyFile;
  private final PolicyHolder holder;
  private final Object reloadLock;
  private final String node;
  private final Thread thread;
  private volatile boolean running = true;
  /** The edits of the newest version seen on the topic or published; guarded by reloadLock. */
  private PolicyEdits lastShared;
  /** The consumer in use, to wake on close. */
  private volatile KafkaConsumer<String, String> current;
  /** The next offset to read; only the topic thread uses it. */
  private long nextOffset;
  /** Whether the versions on the topic at start have been read; guarded by reloadLock. */
  private boolean caughtUp;
  /** A version accepted here and not yet on the topic; guarded by reloadLock. */
  private ObjectNode pending;
  private volatile Status status = new Status(null, null);

  private PolicyTopic(KafkaSettings kafka, Path configFile, ConfigOverrides overrides, Path dataDir,
      PolicyHolder holder, Object reloadLock, String nodeName) {
    this.kafka = kafka;
    this.configFile = configFile;
    this.overrides = overrides;
    this.editsFile = PolicyEdits.file(dataDir);
    this.historyFile = dataDir.resolve(HISTORY_FILE);
    this.holder = holder;
    this.reloadLock = reloadLock;
    // Several nodes may share a host name (and tests run two in one JVM): add a per-process suffix.
    this.node = nodeName + "#" + UUID.randomUUID().toString().substring(0, 8);
    this.thread = new Thread(this::loop, "policy-topic");
    this.thread.setDaemon(true);
  }

  /**
   * Starts following the topic. {@code reloadLock} is held by every reload of this node, so a version
   * from the topic and a local reload never interleave.
   */
  static PolicyTopic start(KafkaSettings kafka, Path configFile, ConfigOverrides overrides, Path dataDir,
      PolicyHolder holder, Object reloadLock, String nodeName) {
    PolicyTopic t = new PolicyTopic(kafka, configFile, overrides, dataDir, holder, reloadLock, nodeName);
    t.thread.start();
    return t;
  }

  Status status() {
    return status;
  }

  /**
   * Called (holding reloadLock) after this node put a new policy in force: publishes the edits when
   * they differ from the last shared version.
   */
  void accepted() {
    if (!caughtUp) {
      return; // the topic's latest version is applied first; publishing before could undo it
    }
    PolicyEdits local = readLocal();
    if (local == null || local.equals(lastShared)) {
      return;
    }
    lastShared = local;
    pending = document(local);
    log.info("policy version {} accepted here; sharing it on {}", pending.get("version").asText(), TOPIC);
    KafkaConsumer<String, String> c = current;
    if (c != null) {
      c.wakeup(); // the topic thread may be in a long poll: publish now
    }
  }

  private void loop() {
    while (running) {
      try {
        follow();
      } catch (InterruptedException e) {
        return;
      } catch (WakeupException e) { // close, or a version accepted while (re)connecting: start over now
        if (!running) {
          return;
        }
      } catch (Exception e) { // Kafka errors
        if (!running) {
          return;
        }
        log.warn("shared policy topic {} at {} unavailable, retrying in {} s: {}", TOPIC, kafka.bootstrap(),
            RETRY.toSeconds(), e.toString());
        for (long waited = 0; running && waited < RETRY.toMillis(); waited += 100) {
          try {
            Thread.sleep(100);
          } catch (InterruptedException stop) {
            return;
          }
        }
      }
    }
  }

  /** Connects, catches up with the topic, then applies and publishes versions until closed or Kafka fails. */
  private void follow() throws Exception {
    KafkaConsumer<String, String> consumer = consumer();
    try (AutoCloseable closeConsumer = () -> consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
        KafkaProducer<String, String> producer = producer()) {
      current = consumer;
      if (!running) {
        return;
      }
      try (Admin admin = Admin.create(clientConfig("admin"))) {
        ensureTopic(admin); // only at (re)connect: no admin client thread for the life of the node
      }
      TopicPartition tp = new TopicPartition(TOPIC, 0);
      consumer.assign(List.of(tp));
      consumer.seek(tp, nextOffset); // after a reconnect, go on where this node stopped
      long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(10)).get(tp);
      ConsumerRecord<String, String> latestAtStart = null;
      while (running) {
        for (ConsumerRecord<String, String> r : poll(consumer)) {
          nextOffset = r.offset() + 1;
          if (caughtUp) {
            onRecord(r);
          } else {
            latestAtStart = r; // older versions would only flash by: apply the newest once
          }
        }
        if (!caughtUp && consumer.position(tp) >= end) {
          if (latestAtStart != null) {
            onRecord(latestAtStart);
          }
          synchronized (reloadLock) {
            caughtUp = true;
            PolicyEdits local = readLocal();
            if (end == 0 && local != null && !local.roles().isEmpty()) {
              accepted(); // an empty topic starts from this node's edits
            } else if (lastShared == null) {
              lastShared = local; // nothing to share yet: only a later change of the edits is published
            }
          }
        }
        ObjectNode toSend;
        synchronized (reloadLock) {
          toSend = pending;
        }
        if (toSend != null) {
          producer.send(new ProducerRecord<>(TOPIC, KEY, JSON.writeValueAsString(toSend))).get(15, TimeUnit.SECONDS);
          synchronized (reloadLock) {
            if (pending == toSend) {
              pending = null;
            }
          }
        }
      }
    }
  }

  /**
   * The next records: few and rare. A {@link #accepted} version or {@link #close} wakes a long poll;
   * woken, it returns nothing so the loop publishes (or stops) at once.
   */
  private ConsumerRecords<String, String> poll(KafkaConsumer<String, String> consumer) {
    try {
      return consumer.poll(caughtUp ? IDLE_POLL : CATCH_UP_POLL); // only this thread sets caughtUp
    } catch (WakeupException e) {
      if (!running) {
        throw e;
      }
      return ConsumerRecords.empty();
    }
  }

  /** Applies a version from the topic unless it is what this node has already; refuses a bad one. */
  private void onRecord(ConsumerRecord<String, String> r) {
    String version = "?";
    String origin = "?";
    try {
      JsonNode doc = JSON.readTree(r.value());
      version = doc.path("version").asText("?");
      origin = doc.path("origin").asText("?");
      PolicyEdits edits = PolicyEdits.parse(doc.path("edits").asText(""), TOPIC + " version " + version);
      synchronized (reloadLock) {
        if (edits.equals(readLocal())) {
          lastShared = edits;
          status = new Status(version, status.lastRefused());
          return;
        }
        PolicyLoader.Loaded loaded = PolicyLoader.load(configFile, overrides, edits, Clock.systemUTC());
        lastShared = edits; // before the write, so the reload the write triggers does not publish it again
        edits.write(editsFile);
        holder.replace(loaded.policy());
        status = new Status(version, status.lastRefused());
      }
      log.info("policy version {} from {} (by {} at {}) in force", version, origin,
          doc.path("author").asText("?"), doc.path("time").asText("?"));
    } catch (ConfigException e) {
      status = new Status(status.versionInForce(), version);
      log.error("policy version {} from {} refused; the policy in force stays: {}", version, origin,
          String.join("; ", e.errors().stream().map(Object::toString).toList()));
    } catch (IOException | RuntimeException e) {
      status = new Status(status.versionInForce(), version);
      log.error("policy version {} from {} (offset {}) refused, unreadable; the policy in force stays: {}",
          version, origin, r.offset(), e.toString());
    }
  }

  /** The local edits file, or {@code null} when it cannot be read (the reload reports that). */
  private PolicyEdits readLocal() {
    try {
      return PolicyEdits.read(editsFile);
    } catch (ConfigException e) {
      return null;
    }
  }

  /** The shared document: the edits with a version id, this node, and who made the change when. */
  private ObjectNode document(PolicyEdits edits) {
    String yaml = edits.toYaml();
    ObjectNode doc = JSON.createObjectNode();
    doc.put("version", UUID.randomUUID().toString());
    doc.put("origin", node);
    doc.put("author", author(edits));
    doc.put("time", Instant.now().toString());
    doc.put("edits", yaml);
    return doc;
  }

  /** The UI user of the newest history entry when it made exactly these edits, else the file's editor. */
  private String author(PolicyEdits edits) {
    if (Files.isRegularFile(historyFile)) {
      try (BufferedReader r = Files.newBufferedReader(historyFile, StandardCharsets.UTF_8)) {
        String last = null;
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          if (!line.isBlank()) {
            last = line;
          }
        }
        if (last != null) {
          JsonNode n = JSON.readTree(last);
          if (edits.equals(PolicyEdits.parse(n.path("edits").asText(""), HISTORY_FILE))) {
            return n.path("author").asText("?") + " (UI version " + n.path("version").asInt() + " on " + node + ")";
          }
        }
      } catch (IOException | ConfigException | RuntimeException e) {
        // fall through: the author is unknown, the edits are what matters
      }
    }
    return "operator (edited " + PolicyEdits.FILE_NAME + " on " + node + ")";
  }

  private void ensureTopic(Admin admin) throws Exception {
    // one partition: one order for every node
    NewTopic topic = new NewTopic(TOPIC, 1, kafka.replicationFactor())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    try {
      Set<String> existing = admin.listTopics().names().get(15, TimeUnit.SECONDS);
      if (!existing.contains(TOPIC)) {
        admin.createTopics(List.of(topic)).all().get(15, TimeUnit.SECONDS);
        log.info("created compacted topic {}", TOPIC);
      }
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private Map<String, Object> clientConfig(String role) {
    Map<String, Object> c = new HashMap<>(kafka.clientProperties());
    c.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrap());
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "webfilter-policy-" + role);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    return c;
  }

  private KafkaConsumer<String, String> consumer() {
    Map<String, Object> c = clientConfig("follower");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // no group: every node reads every version
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_WAIT_MS); // < request.timeout.ms (10 s)
    return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
  }

  private KafkaProducer<String, String> producer() {
    Map<String, Object> c = clientConfig("publisher");
    c.remove(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 12_000);
    return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
  }

  /**
   * Stops following. The consumer is woken rather than the thread interrupted, so the Kafka clients
   * close cleanly; only a thread still busy after 1 s (waiting for an unreachable cluster) is interrupted.
   */
  @Override
  public void close() {
    running = false;
    KafkaConsumer<String, String> c = current;
    if (c != null) {
      c.wakeup();
    }
    try {
      thread.join(1_000);
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(2_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
