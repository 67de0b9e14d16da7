package io.cqrssuite.reliability.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.reliability.idempotency.IdempotencyInProgressException;
import io.cqrssuite.reliability.idempotency.IdempotencySettings;
import io.cqrssuite.reliability.idempotency.IdempotencyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The idempotency store (contract §3) on LocalStack's DynamoDB, with what dynalite lacks: the table's TTL switched
 * on over the attribute the store writes ({@code expiresAt}, as {@code template.yaml} declares). The claim, the
 * in-progress lease and the stored result are proven without Docker against dynalite (shared module's tests); this
 * adds the TTL wiring. Needs Docker; skipped without it.
 */
@Testcontainers(disabledWithoutDocker = true)
class IdempotencyStoreLocalStackTest {
  private static final DockerImageName IMAGE = DockerImageName.parse("localstack/localstack:3.8.1");

  private static LocalStackContainer localstack;
  private static DynamoDbClient dynamoDb;

  @BeforeAll
  static void start() {
    localstack = new LocalStackContainer(IMAGE).withServices(LocalStackContainer.Service.DYNAMODB);
    localstack.start();
    dynamoDb =
        new AwsClients(new AwsSettings(localstack.getRegion(), Map.of("DYNAMODB", localstack.getEndpoint()), null, 1, Duration.ofSeconds(10)))
            .configure(DynamoDbClient.builder(), "DYNAMODB")
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(localstack.getAccessKey(), localstack.getSecretKey())))
            .build();
  }

  @AfterAll
  static void stop() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (localstack != null) {
      localstack.stop();
    }
  }

  @Test
  void claimsLeasesAndStoredResultsWorkOnATableWhoseTtlExpiresTheRecords() {
    String table = "idempotency-" + UUID.randomUUID();
    dynamoDb.createTable(r -> r.tableName(table)
        .attributeDefinitions(a -> a.attributeName("id").attributeType(ScalarAttributeType.S))
        .keySchema(k -> k.attributeName("id").keyType(KeyType.HASH))
        .billingMode(BillingMode.PAY_PER_REQUEST));
    dynamoDb.waiter().waitUntilTableExists(r -> r.tableName(table));
    dynamoDb.updateTimeToLive(r -> r.tableName(table).timeToLiveSpecification(t -> t.attributeName("expiresAt").enabled(true)));
    assertThat(dynamoDb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription().timeToLiveStatus())
        .isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);

    InvocationDeadline deadline = new InvocationDeadline(Clock.systemUTC(), Duration.ZERO);
    deadline.begin(60_000);
    IdempotencyStore store = new IdempotencyStore(dynamoDb, new IdempotencySettings(table, Duration.ofHours(1)), deadline, Clock.systemUTC());

    assertThat(store.begin("product-sync", "evt-1")).isEmpty();
    assertThatThrownBy(() -> store.begin("product-sync", "evt-1")).isInstanceOf(IdempotencyInProgressException.class);
    store.complete("product-sync", "evt-1", "{\"ok\":true}");
    assertThat(store.begin("product-sync", "evt-1")).contains("{\"ok\":true}");

    Map<String, AttributeValue> item = dynamoDb.getItem(r -> r.tableName(table).key(Map.of("id", AttributeValue.fromS("product-sync#evt-1")))).item();
    long expiresAt = Long.parseLong(item.get("expiresAt").n());
    assertThat(expiresAt).as("TTL wants epoch seconds").isBetween(Instant.now().getEpochSecond(), Instant.now().plus(Duration.ofHours(2)).getEpochSecond());
  }
}
