package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/** Creates a module's three tables as the template does (pk + sk, strings) under fresh names, and waits until ACTIVE. */
final class CommandTestTables {
  private static final Duration ACTIVE_WITHIN = Duration.ofSeconds(20);

  private CommandTestTables() {}

  static CommandTables create(DynamoDbClient client) {
    CommandTables tables = CommandTables.named("test-" + UUID.randomUUID().toString().substring(0, 8) + "-product");
    for (String table : new String[] {tables.command(), tables.data(), tables.history()}) {
      client.createTable(r -> r.tableName(table)
          .attributeDefinitions(
              a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
              a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
          .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH), k -> k.attributeName("sk").keyType(KeyType.RANGE))
          .billingMode(BillingMode.PAY_PER_REQUEST));
    }
    Instant deadline = Instant.now().plus(ACTIVE_WITHIN);
    for (String table : new String[] {tables.command(), tables.data(), tables.history()}) {
      while (client.describeTable(r -> r.tableName(table)).table().tableStatus() != TableStatus.ACTIVE) {
        if (Instant.now().isAfter(deadline)) {
          fail("table %s not ACTIVE within %s", table, ACTIVE_WITHIN);
        }
        Thread.onSpinWait();
      }
    }
    return tables;
  }
}
