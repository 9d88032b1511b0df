package org.webfilter.kafka.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * Single-node KRaft broker+controller in this JVM, restartable on the same log directory and ports.
 * The storage is formatted once (when {@code meta.properties} is missing) and reused afterwards, so the
 * all-in-one keeps its events across restarts.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private final Path logDir;
  private final int brokerPort;
  private final int controllerPort;
  private KafkaRaftServer server;

  /** A broker on two free loopback ports. */
  public EmbeddedKafka(Path logDir) throws IOException {
    this(logDir, freePort(), freePort());
  }

  public EmbeddedKafka(Path logDir, int brokerPort, int controllerPort) {
    this.logDir = logDir;
    this.brokerPort = brokerPort;
    this.controllerPort = controllerPort;
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + brokerPort;
  }

  private Properties props() {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    // One node: every internal topic must have replication 1, or consumer groups never get a coordinator.
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "true");
    // The default 128 MiB is allocated on the heap at start-up; a small heap would OOM and halt the JVM.
    p.put("log.cleaner.dedupe.buffer.size", "4194304");
    return p;
  }

  public synchronized void start() throws IOException {
    if (server != null) {
      return;
    }
    Properties p = props();
    if (!Files.exists(logDir.resolve("meta.properties"))) {
      Files.createDirectories(logDir);
      Path cfg = logDir.resolveSibling(logDir.getFileName() + "-server.properties");
      try (Writer w = Files.newBufferedWriter(cfg)) {
        p.store(w, "written by webfilter to format the embedded broker's storage");
      }
      int rc =
          StorageTool.execute(
              new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", cfg.toString()},
              new PrintStream(OutputStream.nullOutputStream()));
      if (rc != 0) {
        throw new IOException("formatting Kafka storage in " + logDir + " failed (rc=" + rc + ")");
      }
    }
    server = new KafkaRaftServer(KafkaConfig.fromProps(p, false), Time.SYSTEM);
    server.startup();
  }

  public synchronized void stop() {
    if (server != null) {
      server.shutdown();
      server.awaitShutdown();
      server = null;
    }
  }

  /** Creates the topics that do not exist yet, and waits until the broker answers. */
  public void createTopics(List<String> names, int partitions) throws IOException {
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
      for (String name : names) {
        try {
          admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IOException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating topics", e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IOException("Kafka broker at " + bootstrapServers() + " did not answer in 30 s", e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  /** Ports this JVM has handed out: the system may offer a just-closed port again at once. */
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /**
   * A free loopback port, never one this method returned before in this JVM (two calls in a row
   * for a broker and its controller once gave the same port). The small race with other processes
   * is acceptable for tests and first start.
   */
  public static synchronized int freePort() throws IOException {
    while (true) {
      try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
        if (HANDED_OUT.add(s.getLocalPort())) {
          return s.getLocalPort();
        }
      }
    }
  }
}
