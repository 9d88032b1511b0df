package org.webfilter.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Keeps the JSON Schema files and the records in step: every field the codec writes is declared in
 * the schema, and every declared field is written (there is no JSON Schema validator on the
 * classpath; this catches the drift that matters).
 */
class SchemaConformanceTest {

  private static JsonNode schema(String name) throws IOException {
    try (InputStream in = AccessEvent.class.getResourceAsStream(name)) {
      return Json.MAPPER.readTree(in);
    }
  }

  private static Set<String> names(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static Set<String> values(JsonNode array) {
    Set<String> values = new TreeSet<>();
    array.forEach(n -> values.add(n.asText()));
    return values;
  }

  @Test
  void accessEvent_writesExactlyTheSchemaProperties_andEveryRequiredOne() throws IOException {
    JsonNode schema = schema("access-event-v1.schema.json");
    JsonNode json = Json.MAPPER.readTree(EventCodec.encode(EventCodecTest.sample(UUID.randomUUID())));
    assertEquals(names(schema.get("properties")), names(json));
    assertTrue(names(json).containsAll(values(schema.get("required"))));
  }

  @Test
  void alertEvent_writesExactlyTheSchemaProperties_andEveryRequiredOne() throws IOException {
    JsonNode schema = schema("alert-event-v1.schema.json");
    AlertEvent alert =
        AlertEvent.of(AlertEvent.Severity.CRITICAL, "illegal", EventCodecTest.sample(UUID.randomUUID()));
    JsonNode json = Json.MAPPER.readTree(AlertCodec.encode(alert));
    assertEquals(names(schema.get("properties")), names(json));
    assertTrue(names(json).containsAll(values(schema.get("required"))));
    assertEquals(
        values(schema.get("properties").get("severity").get("enum")),
        Set.of("low", "medium", "high", "critical"));
  }

  @Test
  void reviewRequest_writesExactlyTheSchemaProperties_andEveryRequiredOne() throws IOException {
    JsonNode schema = schema("review-request-v1.schema.json");
    JsonNode json = Json.MAPPER.readTree(ReviewCodec.encode(ReviewCodecTest.sample("for homework")));
    assertEquals(names(schema.get("properties")), names(json));
    assertTrue(names(json).containsAll(values(schema.get("required"))));
  }
}
