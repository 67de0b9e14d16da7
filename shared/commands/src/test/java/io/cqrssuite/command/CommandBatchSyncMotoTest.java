package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;

import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.testing.aws.MotoServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import io.cqrssuite.event.ChangeRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The batched command sync on moto (5.2.1), which has {@code TransactWriteItems} and names a cancellation reason per
 * action as DynamoDB does ({@code ConditionalCheckFailed}, else {@code None}): the transaction path, and how each
 * reason is read.
 */
class CommandBatchSyncMotoTest extends CommandBatchSyncContract {
  @Override
  AutoCloseable startEngine() {
    return MotoServer.start();
  }

  @Override
  URI endpoint(AutoCloseable engine) {
    return ((MotoServer) engine).endpoint();
  }

  @Override
  String expectedWrites() {
    return "transactions";
  }

  @Override
  int writeCalls(int puts, int transactions) {
    return transactions;
  }

  @Test
  void aCancelledTransactionDropsReplaysWithdrawsMovedEntitiesAndCommitsTheRest() {
    // P-001 moved to version 2 since it was read at 1 (whose archive is already there); P-003's archive is a replay.
    sync.applyAll(List.of(command("P-001", 1, 100), command("P-001", 2, 200), command("P-003", 5, 500), command("P-003", 2, 200)));
    calls.reset();
    EntityKey moved = new EntityKey(PK, "P-001");
    EntityKey fresh = new EntityKey(PK, "P-002");
    EntityKey replay = new EntityKey(PK, "P-003");
    List<EntityPlan> plans = List.of(
        EntityPlan.of(moved, CommandSync.dataItem(command("P-001", 1, 100).image()),
            List.of(new EntityPlan.Command(0, moved, 3, CommandSync.dataItem(command("P-001", 3, 300).image())))),
        EntityPlan.of(fresh, null,
            List.of(new EntityPlan.Command(1, fresh, 1, CommandSync.dataItem(command("P-002", 1, 10).image())))),
        EntityPlan.of(replay, CommandSync.dataItem(command("P-003", 5, 500).image()),
            List.of(new EntityPlan.Command(2, replay, 2, CommandSync.dataItem(command("P-003", 2, 200).image())))));

    Map<EntityKey, PlanWrites.Result> results = new TransactionWrites(() -> dynamoDb, tables).write(plans);
    int transactions = calls.of("TransactWriteItems");

    assertThat(results).containsExactly(
        Map.entry(moved, PlanWrites.Result.MOVED), Map.entry(fresh, PlanWrites.Result.WRITTEN), Map.entry(replay, PlanWrites.Result.WRITTEN));
    // Cancelled once (P-001's archive a replay, its data guard failed, P-003's archive a replay), then P-002 alone.
    assertThat(transactions).isEqualTo(2);
    assertThat(dataVersion("P-001")).isEqualTo(2);
    assertThat(dataVersion("P-002")).isEqualTo(1);
    assertThat(history("P-003")).containsOnlyKeys("P-003@0000000002");
  }

  @Test
  void aTransactionConflictFailsItsEntityForTheNextRoundAndTheRestCommitsAtOnce() {
    // DynamoDB cancels a transaction that meets another on the same item (TransactionConflict); moto never does, so
    // the first transaction is answered with that reason for its first put, as DynamoDB would, before reaching moto.
    AtomicBoolean conflicted = new AtomicBoolean();
    DynamoDbClient conflicting = (DynamoDbClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {DynamoDbClient.class}, (proxy, method, args) -> {
          if (method.getName().equals("transactWriteItems") && !conflicted.getAndSet(true)) {
            TransactWriteItemsRequest.Builder builder = TransactWriteItemsRequest.builder();
            if (args[0] instanceof TransactWriteItemsRequest request) {
              builder = request.toBuilder();
            } else {
              @SuppressWarnings("unchecked")
              Consumer<TransactWriteItemsRequest.Builder> consumer = (Consumer<TransactWriteItemsRequest.Builder>) args[0];
              consumer.accept(builder);
            }
            int actions = builder.build().transactItems().size();
            List<CancellationReason> reasons = new ArrayList<>();
            reasons.add(CancellationReason.builder().code("TransactionConflict").message("conflict (test)").build());
            for (int i = 1; i < actions; i++) {
              reasons.add(CancellationReason.builder().code("None").build());
            }
            throw TransactionCanceledException.builder().message("cancelled (test)").cancellationReasons(reasons).build();
          }
          try {
            return method.invoke(dynamoDb, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    CommandBatchSync withConflict = new CommandBatchSync(conflicting, tables, CommandSyncWrites.TRANSACTIONS);

    Map<Integer, SyncOutcome> outcomes = withConflict.applyAll(List.of(command("P-001", 1, 100), command("P-002", 1, 10), command("P-001", 2, 200)));
    int transactions = calls.of("TransactWriteItems");
    int reads = calls.of("BatchGetItem");

    assertThat(inOrder(outcomes, 3)).containsOnly(SyncOutcome.APPLIED);
    assertThat(dataVersion("P-001")).isEqualTo(2);
    assertThat(dataVersion("P-002")).isEqualTo(1);
    assertThat(history("P-001")).containsOnlyKeys("P-001@0000000001");
    // On the wire: P-002 sent again at once, P-001 in the next round after a fresh read.
    assertThat(transactions).isEqualTo(2);
    assertThat(reads).isEqualTo(2);
  }

  @Test
  void transactionsCarryAClientRequestTokenDerivedFromTheirContent() {
    List<String> tokens = new CopyOnWriteArrayList<>();
    DynamoDbClient watched = client(new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof TransactWriteItemsRequest request) {
          tokens.add(request.clientRequestToken());
        }
      }
    });
    try {
      CommandBatchSync watchedSync = new CommandBatchSync(watched, tables, CommandSyncWrites.TRANSACTIONS);
      watchedSync.applyAll(List.of(command("P-001", 1, 100)));
      CommandTables other = CommandTestTables.create(dynamoDb);
      new CommandBatchSync(watched, other, CommandSyncWrites.TRANSACTIONS).applyAll(List.of(
          new ChangeRecord(other.command(), PK, "P-001", PK + "#P-001", 1, false, command("P-001", 1, 100).image())));
      new CommandBatchSync(watched, other, CommandSyncWrites.TRANSACTIONS).applyAll(List.of(
          new ChangeRecord(other.command(), PK, "P-001", PK + "#P-001", 2, false, command("P-001", 2, 200).image())));
    } finally {
      watched.close();
    }
    // The same puts to other tables get another token; another version another one; each is at most 36 characters.
    assertThat(tokens).hasSize(3).doesNotHaveDuplicates().allSatisfy(t -> assertThat(t).hasSizeBetween(1, 36));
  }
}
