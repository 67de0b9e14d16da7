package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Lambda Managed Instances run one JVM that serves many concurrent invocations of one handler object, each on its
 * own thread. Eight threads invoke one CatalogHandler at once, many times over: every response names exactly its own
 * failed message, and every log line of a failed record carries the request id and correlation id of the invocation
 * that handled it, never a neighbour's.
 */
class ConcurrentInvocationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 8;
  private static final int ROUNDS = 40;

  @Test
  void concurrentInvocationsOfOneHandlerNeverShareTheirContext() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    Map<String, String> requestOfMessage = new ConcurrentHashMap<>();
    Map<String, JsonNode> responses = new ConcurrentHashMap<>();
    // The handler's log and metrics write to System.err as it is when they are built.
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      CatalogHandler handler = new CatalogHandler(Map.of(
          "AWS_REGION", "us-east-1", "SUITE_LOG_LEVEL", "INFO", "SUITE_METRICS", "on", "SUITE_UNHANDLED_EVENTS", "fail",
          "POWERTOOLS_SERVICE_NAME", "catalog"));
      FunctionSpec spec = new FunctionSpec("EventFactoryFunction", CatalogHandler.class.getName(), 30, 512, Map.of());
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        running.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < ROUNDS; round++) {
            String poison = "poison-" + thread + "-" + round;
            LocalContext context = new LocalContext(spec);
            requestOfMessage.put(poison, context.getAwsRequestId());
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event(poison, "order-" + thread + "-" + round)), out, context);
            responses.put(poison, JSON.readTree(out.toByteArray()));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> invocation : running) {
        invocation.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();
    } finally {
      System.setErr(saved);
    }

    assertThat(responses).hasSize(THREADS * ROUNDS);
    responses.forEach((poison, response) ->
        assertThat(response.path("batchItemFailures").findValuesAsText("itemIdentifier")).as(poison).containsExactly(poison));
    List<JsonNode> failures = new ArrayList<>();
    int metricLines = 0;
    for (String line : err.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode json = JSON.readTree(line);
      if ("record failed".equals(json.path("message").asText())) {
        failures.add(json);
      }
      if (json.has("_aws")) {
        metricLines++;
        assertThat(json.path("RecordsFailed").asLong(-1)).as("one invocation's counts: %s", line).isEqualTo(1);
      }
    }
    assertThat(failures).hasSize(THREADS * ROUNDS);
    assertThat(metricLines).isEqualTo(THREADS * ROUNDS);
    for (JsonNode line : failures) {
      String poison = line.path("itemIdentifier").asText();
      assertThat(line.path("function_request_id").asText()).as("request id of %s", poison).isEqualTo(requestOfMessage.get(poison));
      assertThat(line.path("correlation_id").asText()).as("correlation id of %s", poison).isEqualTo(poison);
    }
  }

  /** An SQS batch of two messages: a body that is no JSON (fails) and a valid order cancellation. */
  private static byte[] event(String poisonId, String orderId) throws Exception {
    ObjectNode event = JSON.createObjectNode();
    ArrayNode records = event.putArray("Records");
    records.add(message(poisonId, "{not json"));
    records.add(message("ok-" + orderId,
        "{\"type\":\"ORDER_CANCELLED\",\"orderId\":\"" + orderId + "\",\"tenantCode\":\"acme\",\"reason\":\"CUSTOMER_REQUEST\",\"cancelledAt\":\"2026-12-05T10:00:00Z\"}"));
    return JSON.writeValueAsBytes(event);
  }

  private static ObjectNode message(String id, String body) {
    ObjectNode record = JSON.createObjectNode();
    record.put("messageId", id);
    record.put("receiptHandle", "r-" + id);
    record.put("body", body);
    record.putObject("attributes").put("ApproximateReceiveCount", "1").put("SentTimestamp", "1764900000000")
        .put("SenderId", "A").put("ApproximateFirstReceiveTimestamp", "1764900000000");
    record.putObject("messageAttributes");
    record.put("md5OfBody", "x");
    record.put("eventSource", "aws:sqs");
    record.put("eventSourceARN", "arn:aws:sqs:us-east-1:123456789012:dev-catalog-orders");
    record.put("awsRegion", "us-east-1");
    return record;
  }
}
