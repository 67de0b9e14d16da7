package io.cqrssuite.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Powertools keys a line carries once an invocation has begun. */
class StructuredLogInvocationTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("catalog", new PrintStream(bytes, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO, "EventFactoryFunction");

  private List<JsonNode> lines() throws Exception {
    ObjectMapper json = new ObjectMapper();
    return bytes.toString(StandardCharsets.UTF_8).lines().map(l -> {
      try {
        return json.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
  }

  @Test
  void onlyTheContainersFirstInvocationIsAColdStartAndEachLineNamesItsRequestAndTrace() throws Exception {
    log.beginInvocation("req-1", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
    log.info("first", Map.of());
    log.beginInvocation("req-2", null);
    log.warn("second", Map.of("recordIndex", 3));

    List<JsonNode> lines = lines();
    assertThat(lines.get(0).path("cold_start").asBoolean()).isTrue();
    assertThat(lines.get(0).path("function_request_id").asText()).isEqualTo("req-1");
    assertThat(lines.get(0).path("xray_trace_id").asText()).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
    assertThat(lines.get(0).path("function_name").asText()).isEqualTo("EventFactoryFunction");
    assertThat(lines.get(1).path("cold_start").asBoolean()).isFalse();
    assertThat(lines.get(1).path("function_request_id").asText()).isEqualTo("req-2");
    assertThat(lines.get(1).has("xray_trace_id")).isFalse();
    assertThat(lines.get(1).path("recordIndex").asInt()).isEqualTo(3);
    assertThat(lines).allSatisfy(l -> assertThat(l.path("service").asText()).isEqualTo("catalog"));
  }

  @Test
  void beforeAnyInvocationLinesCarryNoInvocationKeys() throws Exception {
    log.info("init", Map.of());
    JsonNode line = lines().get(0);
    assertThat(line.has("cold_start")).isFalse();
    assertThat(line.path("level").asText()).isEqualTo("INFO");
    assertThat(line.path("timestamp").asText()).isNotBlank();
  }
}
