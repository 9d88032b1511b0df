package org.webfilter.policy.config;

import java.util.Map;

/**
 * {@code kafka:} keys.
 *
 * @param bootstrap {@code host:port,...} of an external cluster; empty means the embedded broker
 * @param accessTopic topic for access events ({@code webfilter.access})
 * @param alertsTopic topic for safeguarding alerts ({@code webfilter.alerts})
 * @param partitions partitions for topics created on start
 * @param replicationFactor replication for topics created on start
 * @param clientProperties extra Kafka client properties (TLS, SASL, ...) passed as they are
 */
public record KafkaSettings(
    String bootstrap,
    String accessTopic,
    String alertsTopic,
    int partitions,
    short replicationFactor,
    Map<String, String> clientProperties) {

  public KafkaSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  public boolean embedded() {
    return bootstrap == null || bootstrap.isBlank();
  }

  public KafkaSettings withBootstrap(String servers) {
    return new KafkaSettings(servers, accessTopic, alertsTopic, partitions, replicationFactor, clientProperties);
  }
}
