package io.cqrssuite.reliability.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.testing.aws.AwsEmulator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

/**
 * The idempotency store (contract §3) on an {@link AwsEmulator}'s DynamoDB, with what dynalite lacks: the table's
 * TTL switched on over the attribute the store writes ({@code expiresAt}, as {@code template.yaml} declares). The
 * claim, the in-progress lease and the stored result are proven against dynalite too (shared module's tests); this
 * adds the TTL wiring. Neither emulator is asked to expire a record: moto never does, and DynamoDB itself takes
 * up to days.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IdempotencyStoreContract {
  private AwsEmulator emulator;
  private DynamoDbClient dynamoDb;

  /** Starts the emulator with DynamoDB; called once per class. */
  abstract AwsEmulator start();

  @BeforeAll
  void startEmulator() {
    emulator = start();
    dynamoDb = emulator.client(DynamoDbClient.builder(), "DYNAMODB");
  }

  @AfterAll
  void stopEmulator() {
    if (dynamoDb != null) {
      dynamoDb.close();
    }
    if (emulator != null) {
      emulator.close();
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
