package io.cqrssuite.bench.cold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One run of one case (SQS, without backends) and both floors in real fresh JVMs on the real shaded jar and moto:
 * the JSON's shape and that every process reported, never a timing.
 */
class ColdBenchTest {
  private static final Path ROOT = Path.of("../../..").toAbsolutePath().normalize();

  @Test
  void oneRunOfOneCasePrintsATableThenTheJsonAlsoWrittenUnderTargetBench() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ColdBench.Options options = ColdBench.Options.defaults().withRuns(1).withOnly(List.of("sqs")).withoutBackends();
    Map<String, String> environment = new HashMap<>();
    environment.put("SUITE_UNHANDLED_EVENTS", "fail");

    int exit = ColdBench.run(options, ROOT, environment, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);

    assertThat(exit).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.path("bench").asText()).isEqualTo("cold");
    assertThat(json.path("runs").asInt()).isEqualTo(1);
    assertThat(json.path("javaToolOptions").asText()).contains("TieredStopAtLevel=1");
    assertThat(json.path("machine").path("cores").asInt()).isPositive();
    for (String floor : List.of("bare", "sdk")) {
      JsonNode figures = json.path("floors").path(floor);
      assertThat(figures.path("outcomes")).as(floor).hasSize(1);
      assertThat(figures.path("outcomes").get(0).asText()).isEqualTo("ok");
      assertThat(figures.path("initMs").path("median").asDouble()).isPositive();
      assertThat(figures.path("totalMs").path("min").asDouble()).isLessThanOrEqualTo(figures.path("totalMs").path("max").asDouble());
    }
    assertThat(json.path("cds").asBoolean()).isFalse();
    assertThat(json.path("jarBytes").asLong()).isEqualTo(Files.size(ROOT.resolve(ColdBench.CATALOG_JAR)));
    // The census: the bare floor loads fewer classes at init than the SDK floor, which builds a client there.
    int bareInit = json.path("floors").path("bare").path("classes").path("atInit").asInt();
    assertThat(bareInit).isPositive();
    assertThat(json.path("floors").path("sdk").path("classes").path("atInit").asInt()).isGreaterThan(bareInit);
    assertThat(json.path("cases").size()).isEqualTo(1);
    JsonNode sqs = json.path("cases").path("sqs.without");
    assertThat(sqs.path("firstEventMs").path("median").asDouble()).isPositive();
    assertThat(sqs.path("totalMsRuns")).hasSize(1);
    assertThat(sqs.path("totalMsRuns").get(0).asDouble()).isEqualTo(sqs.path("totalMs").path("median").asDouble());
    assertThat(sqs.path("classes").path("atInit").asInt()).isGreaterThan(bareInit);
    assertThat(sqs.path("classes").path("atFirstEvent").asInt()).isPositive();
    assertThat(sqs.path("coldVsFloor").asDouble()).isPositive();
    assertThat(sqs.path("met").isBoolean()).isTrue();
    assertThat(sqs.path("target").asText()).startsWith("<=");
    // The case is in noAwsCases exactly when the recorder saw no request.
    boolean noAws = sqs.path("awsRequests").asInt() == 0;
    assertThat(json.path("noAwsCases").toString().contains("sqs.without")).isEqualTo(noAws);

    String written = lines.stream().filter(line -> line.startsWith("figures written to ")).findFirst().orElseThrow();
    Path file = Path.of(written.substring("figures written to ".length()));
    assertThat(file.getFileName().toString()).startsWith("cold-").endsWith(".json");
    assertThat(new ObjectMapper().readTree(Files.readString(file))).isEqualTo(json);
    Files.delete(file);
  }
}
