package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched command sync on dynalite, which has no transactions: {@code auto} finds that out on its first write
 * (one refused {@code TransactWriteItems}) and writes conditional puts from then on.
 */
class CommandBatchSyncDynaliteTest extends CommandBatchSyncContract {
  @Override
  AutoCloseable startEngine() {
    return LocalDynamoDb.start();
  }

  @Override
  URI endpoint(AutoCloseable engine) {
    return ((LocalDynamoDb) engine).endpoint();
  }

  @Override
  String expectedWrites() {
    return "conditional-puts";
  }

  @Override
  int writeCalls(int puts, int transactions) {
    // The sync of each test is new, so its first write is the one refused transaction.
    return puts + 1;
  }

  @Test
  void autoAsksForTransactionsOnceThenRemembersTheEngineHasNone() {
    sync.applyAll(List.of(command("P-001", 1, 100)));
    sync.applyAll(List.of(command("P-001", 2, 200)));
    sync.applyAll(List.of(command("P-001", 3, 300)));

    assertThat(calls.of("TransactWriteItems")).isEqualTo(1);
    assertThat(sync.writes()).isEqualTo("conditional-puts");
    assertThat(dataVersion("P-001")).isEqualTo(3);
    assertThat(history("P-001")).containsOnlyKeys("P-001@0000000001", "P-001@0000000002");
  }

  @Test
  void transactionsOnlyOnAnEngineWithoutThemSettlesNothingAndWritesNothing() {
    CommandBatchSync transactionsOnly = new CommandBatchSync(dynamoDb, tables, CommandSyncWrites.TRANSACTIONS);

    assertThat(transactionsOnly.applyAll(List.of(command("P-001", 1, 100), command("P-001", 2, 200)))).isEmpty();

    assertThat(dataVersion("P-001")).isZero();
    assertThat(history("P-001")).isEmpty();
    // The per-record sync takes them instead, as the intake does with what is left.
    assertThat(new CommandSync(dynamoDb, tables).apply(command("P-001", 1, 100))).isEqualTo(SyncOutcome.APPLIED);
  }
}
