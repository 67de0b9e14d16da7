package io.cqrssuite.cli;

import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.testing.lambda.FunctionSpec;
import io.cqrssuite.testing.lambda.LocalInvoker;
import io.cqrssuite.testing.lambda.SamTemplate;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.cqrssuite.testing.engine.PostgresEngine;
import io.cqrssuite.testing.engine.TestEngines;
import io.cqrssuite.sync.opensearch.OpenSearchClients;
import io.cqrssuite.sync.opensearch.OpenSearchSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * The template's {@code SchemaMigrationFunction}, invoked as CloudFormation invokes it for {@code ReadModelSchema},
 * against the embedded PostgreSQL and OpenSearch: the schema and the index are there afterwards, and the answer
 * PUT to a server on 127.0.0.1 (standing in for the pre-signed S3 URL) says what was applied.
 */
class SchemaMigrationDeployTest {
  private static final Path ROOT = SampleEvents.repositoryRoot();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<JsonNode> answers = new CopyOnWriteArrayList<>();
  private HttpServer cloudFormation;

  @BeforeEach
  void start() throws IOException {
    cloudFormation = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    cloudFormation.createContext("/", exchange -> {
      try (exchange) {
        answers.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
        exchange.sendResponseHeaders(200, -1);
      }
    });
    cloudFormation.start();
  }

  @AfterEach
  void stop() {
    cloudFormation.stop(0);
  }

  @Test
  void createMigratesAndEnsuresTheIndexThenUpdateFindsNothingLeftToDo() throws Exception {
    PostgresEngine postgres = TestEngines.postgres();
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String url = postgres.createDatabase("deploy_" + suffix);
    String index = "deploy" + suffix;

    List<String> unresolved = new ArrayList<>();
    FunctionSpec function =
        SamTemplate.load(ROOT.resolve("template.yaml"))
            .function("SchemaMigrationFunction", Map.of("DatabaseJdbcUrl", url), unresolved);
    Map<String, String> environment = new HashMap<>(function.environment());
    // What a deployment's parameters and the domain would give, pointed at the embedded engines.
    environment.put("SUITE_RDS_USER", postgres.user());
    environment.put("SUITE_RDS_PASSWORD", postgres.password());
    environment.put("SUITE_OPENSEARCH_ENDPOINT", TestEngines.openSearch().endpoint().toString());
    environment.put("SUITE_OPENSEARCH_SIGV4", "false");
    environment.put("SUITE_OPENSEARCH_INDEX", index);
    environment.put("SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json");
    assertThat(environment).containsEntry("SUITE_RDS_URL", url).doesNotContainKey("SUITE_RDS_SECRET_ARN");
    RequestStreamHandler handler = LocalInvoker.instantiate(function, environment);

    LocalInvoker.Result created = LocalInvoker.invoke(handler, function, event("Create", null));
    LocalInvoker.Result updated = LocalInvoker.invoke(handler, function, event("Update", "ReadModelSchema"));

    assertThat(created.exitCode()).as(created.json()).isZero();
    assertThat(updated.exitCode()).as(updated.json()).isZero();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).path("Status").asText()).as(answers.get(0).toString()).isEqualTo("SUCCESS");
    assertThat(answers.get(0).path("PhysicalResourceId").asText()).isEqualTo("ReadModelSchema");
    assertThat(answers.get(0).path("Data").path("applied").asInt()).isEqualTo(1);
    assertThat(answers.get(0).path("Data").path("searchAlias").asText()).isEqualTo(index);
    assertThat(answers.get(1).path("Status").asText()).isEqualTo("SUCCESS");
    assertThat(answers.get(1).path("Data").path("applied").asInt()).isZero();

    try (Connection connection = DriverManager.getConnection(url, postgres.user(), postgres.password());
        ResultSet tables = connection.getMetaData().getTables(connection.getCatalog(), null, "product", null)) {
      assertThat(tables.next()).as("the product table").isTrue();
    }
    OpenSearchClient search =
        OpenSearchClients.create(OpenSearchSettings.fromEnvironment(environment).orElseThrow(), "us-east-1");
    try {
      assertThat(search.indices().existsAlias(a -> a.name(index)).value()).isTrue();
      assertThat(search.indices().existsAlias(a -> a.name(index + "-write")).value()).isTrue();
    } finally {
      search._transport().close();
    }
  }

  private byte[] event(String type, String physicalId) {
    ObjectNode event = JSON.createObjectNode();
    event.put("RequestType", type);
    event.put("ResponseURL", "http://127.0.0.1:" + cloudFormation.getAddress().getPort() + "/response?X-Amz-Signature=x");
    event.put("StackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/local/1");
    event.put("RequestId", UUID.randomUUID().toString());
    event.put("LogicalResourceId", "ReadModelSchema");
    event.put("ResourceType", "Custom::SchemaMigration");
    if (physicalId != null) {
      event.put("PhysicalResourceId", physicalId);
    }
    event.putObject("ResourceProperties").put("SchemaVersion", "test");
    return event.toString().getBytes(StandardCharsets.UTF_8);
  }
}
