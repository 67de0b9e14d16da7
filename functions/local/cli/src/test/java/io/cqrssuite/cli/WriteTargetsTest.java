package io.cqrssuite.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.cli.WriteTargets.Intent;
import io.cqrssuite.cli.WriteTargets.Kind;
import io.cqrssuite.cli.WriteTargets.Place;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.SamTemplate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule of writing commands, on its own: where places are, and when a command may write. */
class WriteTargetsTest {
  private static final String REAL_QUEUE = "https://sqs.eu-west-1.amazonaws.com/123456789012/dev-catalog-dead-letters";
  private static final Intent REPLAY = new Intent(false, "--local", false, "--deployed-env");

  @Test
  void aServiceIsRealUnlessItsEndpointPointsAwayFromAws() {
    assertThat(WriteTargets.aws("SQS", Map.of())).isEqualTo(Kind.AWS);
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL_SQS", "https://sqs.eu-west-1.amazonaws.com"))).isEqualTo(Kind.AWS);
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL_SQS", "https://sqs.cn-north-1.amazonaws.com.cn"))).isEqualTo(Kind.AWS);
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324"))).isEqualTo(Kind.EMULATED);
    // The generic override counts when the service has none of its own; the service's own wins.
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL", "http://localhost:4566"))).isEqualTo(Kind.EMULATED);
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL", "http://localhost:4566", "AWS_ENDPOINT_URL_SQS", "https://sqs.us-east-1.amazonaws.com")))
        .isEqualTo(Kind.AWS);
    // A host that only looks like AWS's is not: the suffix is matched on a label boundary.
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL_SQS", "http://notamazonaws.com:4566"))).isEqualTo(Kind.EMULATED);
    // An override the rule cannot read is taken for AWS: the stricter reading.
    assertThat(WriteTargets.aws("SQS", Map.of("AWS_ENDPOINT_URL_SQS", "::not a url"))).isEqualTo(Kind.AWS);
  }

  @Test
  void variablesNamePlacesByTheirSuffix() {
    assertThat(WriteTargets.service("SUITE_IDEMPOTENCY_TABLE")).isEqualTo("DYNAMODB");
    assertThat(WriteTargets.service("SUITE_ALARM_TOPIC_ARN")).isEqualTo("SNS");
    assertThat(WriteTargets.service("SUITE_COMMAND_SYNC_STATE_MACHINE_ARN")).isEqualTo("SFN");
    assertThat(WriteTargets.service("SUITE_TABLE_MAPPINGS")).isNull();
    assertThat(WriteTargets.service("OTHER_TABLE")).isNull();
  }

  @Test
  void aDeployedEnvironmentNamesEveryPlaceOfARealReplayAndAnAbsentReadModelMeansNone(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("function.json");
    // What `aws lambda get-function-configuration` prints, cut down: a stack with no OpenSearch.
    Files.writeString(file, """
        {"FunctionName": "dev-catalog-event-factory", "Environment": {"Variables": {
          "SUITE_RDS_URL": "jdbc:postgresql://db:5432/catalog", "SUITE_IDEMPOTENCY_TABLE": "dev-catalog-idempotency"}}}
        """);
    Map<String, String> deployed = DeployedEnvironment.read(file);
    Set<String> stackVariables = SamTemplate.load(SampleEvents.repositoryRoot().resolve("template.yaml")).stackVariables("EventFactoryFunction", Map.of());
    Place source = new Place("SUITE_DEAD_LETTER_QUEUE_URL", REAL_QUEUE, Kind.AWS);

    Set<String> everything = new java.util.TreeSet<>(stackVariables);
    everything.addAll(WriteTargets.READ_MODELS);
    WriteTargets targets = WriteTargets.of(source, deployed, Set.of(), stackVariables, everything);
    assertThat(targets.refusals(REPLAY)).isEmpty();
    assertThat(targets.targets()).extracting(Place::variable).containsExactly("SUITE_RDS_URL", "SUITE_IDEMPOTENCY_TABLE");
    assertThat(targets.targets()).extracting(Place::kind).containsExactly(Kind.CONFIGURED, Kind.AWS);
    assertThat(targets.embedded()).isEmpty();

    // The same places read from the template alone: the resources are unknown, so the replay is refused.
    WriteTargets guessed = WriteTargets.of(source, deployed, Set.of(), stackVariables, Set.of("SUITE_RDS_URL"));
    assertThat(String.join(" ", guessed.refusals(REPLAY)))
        .contains("SUITE_IDEMPOTENCY_TABLE").contains("SUITE_COMMAND_TABLE").contains("SUITE_OPENSEARCH_ENDPOINT")
        .doesNotContain("SUITE_DEAD_LETTER_QUEUE_URL,");
  }

  @Test
  void theTemplateSaysWhichVariablesNameDeployedPlaces() throws Exception {
    Set<String> names = SamTemplate.load(SampleEvents.repositoryRoot().resolve("template.yaml")).stackVariables("EventFactoryFunction", Map.of());
    // Resources and ARNs built from the account id are places; parameters and literals are configuration.
    assertThat(names).contains("SUITE_IDEMPOTENCY_TABLE", "SUITE_COMMAND_TABLE", "SUITE_ALARM_TOPIC_ARN", "SUITE_COMMAND_SYNC_STATE_MACHINE_ARN",
        "SUITE_IMPORT_STATE_MACHINE_ARN");
    // The mappings name the tables by ${Stage} alone: configuration the template can resolve.
    assertThat(names).doesNotContain("SUITE_TABLE_MAPPINGS", "SUITE_LOG_LEVEL", "SUITE_RDS_USER", "SUITE_OPENSEARCH_INDEX", "SUITE_COMMAND_SYNC_MODE");
    // No read model parameter: the conditional variables are not set at all, so not places.
    assertThat(names).doesNotContain("SUITE_RDS_URL", "SUITE_RDS_SECRET_ARN");
  }

  @Test
  void embeddedEnginesNeedConsentAndNeverSitBesideRealOrConfiguredPlaces() {
    Place local = new Place("SUITE_DEAD_LETTER_QUEUE_URL", "http://127.0.0.1:9324/q", Kind.EMULATED);
    Map<String, String> blank = new HashMap<>();
    WriteTargets both = WriteTargets.of(local, blank, WriteTargets.READ_MODELS, Set.of(), Set.of());
    assertThat(both.refusals(REPLAY)).singleElement().asString().contains("not configured").contains("--local");
    assertThat(both.refusals(new Intent(true, "--local", false, ""))).isEmpty();
    assertThat(both.embedded()).containsExactlyInAnyOrder("SUITE_RDS_URL", "SUITE_OPENSEARCH_ENDPOINT");

    Map<String, String> oneConfigured = Map.of("SUITE_RDS_URL", "jdbc:postgresql://db/catalog");
    assertThat(WriteTargets.of(local, oneConfigured, WriteTargets.READ_MODELS, Set.of(), Set.of()).refusals(new Intent(true, "--local", false, "")))
        .singleElement().asString().contains("mixed").contains("SUITE_RDS_URL=jdbc:postgresql://db/catalog (configured)");

    // An AWS table beside an embedded engine: mixed, even with consent to embedded engines.
    Map<String, String> awsTable = Map.of("SUITE_IDEMPOTENCY_TABLE", "dev-catalog-idempotency");
    assertThat(WriteTargets.of(local, awsTable, WriteTargets.READ_MODELS, Set.of(), Set.of()).refusals(new Intent(true, "--local", false, "")))
        .singleElement().asString().contains("SUITE_IDEMPOTENCY_TABLE=dev-catalog-idempotency (aws)");
    // The same table behind a local DynamoDB endpoint is fine.
    Map<String, String> localTable = Map.of("SUITE_IDEMPOTENCY_TABLE", "t", "AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000");
    assertThat(WriteTargets.of(local, localTable, WriteTargets.READ_MODELS, Set.of(), Set.of()).refusals(new Intent(true, "--local", false, ""))).isEmpty();

    // A dry run writes nothing: it may look at anything.
    Place real = new Place("SUITE_DEAD_LETTER_QUEUE_URL", REAL_QUEUE, Kind.AWS);
    assertThat(WriteTargets.of(real, blank, List.of(), Set.of("SUITE_IDEMPOTENCY_TABLE"), Set.of()).refusals(new Intent(false, "--local", true, ""))).isEmpty();
  }
}
