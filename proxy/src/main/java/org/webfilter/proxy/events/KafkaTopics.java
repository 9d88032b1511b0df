package org.webfilter.proxy.events;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.webfilter.events.Topics;
import org.webfilter.policy.config.KafkaSettings;

/**
 * Creates the access and alerts topics with the configured partitions and replication when they do
 * not exist, so an external cluster with {@code auto.create.topics.enable=false} (or with broker
 * defaults unsuited to the load) works out of the box. Existing topics are left as they are.
 */
public final class KafkaTopics {
  private KafkaTopics() {}

  /**
   * Creates whichever of {@code settings.accessTopic()}, {@code settings.alertsTopic()} and {@link
   * Topics#REVIEWS} is missing.
   *
   * @return the topics that were created
   * @throws IOException when the cluster did not answer within {@code timeout} or refused
   */
  public static List<String> ensure(KafkaSettings settings, Duration timeout) throws IOException {
    Map<String, Object> config = new HashMap<>(settings.clientProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
    config.put(AdminClientConfig.CLIENT_ID_CONFIG, "webfilter-proxy-admin");
    config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    config.put("metadata.recovery.strategy", "none");
    List<String> created = new ArrayList<>();
    try (Admin admin = Admin.create(config)) {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (String topic : List.of(settings.accessTopic(), settings.alertsTopic(), Topics.REVIEWS)) {
        if (existing.contains(topic) || created.contains(topic)) {
          continue;
        }
        try {
          admin
              .createTopics(List.of(new NewTopic(topic, settings.partitions(), settings.replicationFactor())))
              .all()
              .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(topic);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    } catch (ExecutionException e) {
      throw new IOException(
          "Kafka at " + settings.bootstrap() + ": cannot create topics: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("Kafka at " + settings.bootstrap() + " did not answer within " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while creating topics", e);
    }
    return created;
  }
}
