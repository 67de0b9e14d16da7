package io.cqrssuite.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CorrelationContextTest {
  private final CorrelationContext correlation = new CorrelationContext();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final StructuredLog log =
      new StructuredLog("catalog", new PrintStream(bytes, true, StandardCharsets.UTF_8), StructuredLog.Level.INFO, null, correlation);
  private final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private List<JsonNode> lines() {
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
  void aClosedScopeRestoresTheOuterIdAndTheOutermostLeavesNone() {
    try (CorrelationContext.Scope outer = correlation.open("outer")) {
      try (CorrelationContext.Scope inner = correlation.open("inner")) {
        assertThat(correlation.current()).contains("inner");
      }
      assertThat(correlation.current()).contains("outer");
      try (CorrelationContext.Scope none = correlation.open(" ")) {
        assertThat(correlation.current()).as("a record without an id must not log under the outer one").isEmpty();
      }
      assertThat(correlation.current()).contains("outer");
    }
    assertThat(correlation.current()).isEmpty();
  }

  @Test
  void aScopeIsRestoredWhenTheWorkInsideThrows() {
    assertThatThrownBy(() -> {
          try (CorrelationContext.Scope scope = correlation.open("req-1")) {
            throw new IllegalStateException("handler failed");
          }
        })
        .hasMessage("handler failed");
    assertThat(correlation.current()).isEmpty();
  }

  @Test
  void twoContextsDoNotShareTheirIds() {
    CorrelationContext other = new CorrelationContext();
    try (CorrelationContext.Scope scope = correlation.open("mine")) {
      assertThat(other.current()).isEmpty();
    }
  }

  @Test
  void propagatedWorkRunsInTheScopeCapturedAtSubmitAndLeavesThePoolThreadClean() throws Exception {
    String seen;
    try (CorrelationContext.Scope scope = correlation.open("req-7")) {
      seen = pool.submit(correlation.propagate(() -> {
        log.info("on the worker", Map.of());
        return correlation.current().orElse(null);
      })).get(5, TimeUnit.SECONDS);
    }
    String after = pool.submit(() -> correlation.current().orElse(null)).get(5, TimeUnit.SECONDS);

    assertThat(seen).isEqualTo("req-7");
    assertThat(after).as("the pool thread must not keep the id for the next task").isNull();
    assertThat(lines().get(0).path("correlation_id").asText()).isEqualTo("req-7");
  }

  @Test
  void linesCarryTheScopesIdOnlyInsideItAndACallersOwnFieldWins() {
    log.info("before", Map.of());
    try (CorrelationContext.Scope scope = correlation.open("req-9")) {
      log.warn("inside", Map.of("eventId", "e-1"));
      log.error("explicit", Map.of("correlation_id", "from-the-record"));
    }
    log.info("after", Map.of());

    List<JsonNode> lines = lines();
    assertThat(lines.get(0).has("correlation_id")).isFalse();
    assertThat(lines.get(1).path("correlation_id").asText()).isEqualTo("req-9");
    assertThat(lines.get(1).path("eventId").asText()).isEqualTo("e-1");
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines().toList().get(2)).containsOnlyOnce("correlation_id");
    assertThat(lines.get(2).path("correlation_id").asText()).isEqualTo("from-the-record");
    assertThat(lines.get(3).has("correlation_id")).isFalse();
  }
}
