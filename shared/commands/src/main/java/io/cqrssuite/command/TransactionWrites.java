package io.cqrssuite.command;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The plans' writes as {@code TransactWriteItems}: whole plans packed in order into transactions of at most 100 puts
 * and well under 4 MB, so an entity's archive and its new state commit together. A plan with more writes than fit
 * one transaction has its history puts sent first in transactions of their own and its data put with the last of
 * them; its data put is not sent unless those committed.
 *
 * <p>A cancelled transaction names a reason per put, in order ({@link TransactionCanceledException#cancellationReasons()}):
 * a history put whose {@code attribute_not_exists} failed is a replay (that version is archived already) and is
 * dropped; a data put whose guard failed means the entity moved, and its plan is withdrawn to be read and made again;
 * any other reason (a conflict with another transaction, throttling) fails that plan, to be tried again. The rest of
 * the transaction is sent again at once. Each transaction carries a client request token derived from its content,
 * so the SDK's own retry of one whose answer was lost is not applied twice within DynamoDB's 10-minute window.
 */
final class TransactionWrites implements PlanWrites {
  static final int MAX_ACTIONS = 100;
  /** Under the 4 MB limit, with room for keys, conditions and the request's own overhead. */
  static final long MAX_BYTES = 3_500_000;

  private final Supplier<DynamoDbClient> dynamoDb;
  private final CommandTables tables;

  TransactionWrites(Supplier<DynamoDbClient> dynamoDb, CommandTables tables) {
    this.dynamoDb = dynamoDb;
    this.tables = tables;
  }

  /** Thrown when the engine has no transactions at all, so the caller may choose conditional puts instead. */
  static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(SdkException cause) {
      super("the DynamoDB endpoint has no TransactWriteItems: " + cause.getMessage(), cause);
    }
  }

  /** One put of a transaction, with the plan it belongs to. */
  private record Action(EntityKey entity, boolean data, TransactWriteItem item, long bytes, String identity) {}

  @Override
  public String name() {
    return "transactions";
  }

  @Override
  public Map<EntityKey, Result> write(List<EntityPlan> plans) {
    Map<EntityKey, Result> results = new LinkedHashMap<>();
    for (EntityPlan plan : plans) {
      results.put(plan.key(), Result.WRITTEN);
    }
    for (List<Action> transaction : transactions(plans)) {
      List<Action> pending = new ArrayList<>();
      for (Action action : transaction) {
        // A plan that failed in an earlier transaction (its first history puts) sends nothing more.
        if (results.get(action.entity()) == Result.WRITTEN) {
          pending.add(action);
        }
      }
      send(pending, results);
    }
    return results;
  }

  /** Sends one transaction, again without what a cancellation settled, until it commits or nothing is left. */
  private void send(List<Action> pending, Map<EntityKey, Result> results) {
    while (!pending.isEmpty()) {
      try {
        List<TransactWriteItem> items = pending.stream().map(Action::item).toList();
        String token = token(pending);
        dynamoDb.get().transactWriteItems(r -> r.transactItems(items).clientRequestToken(token));
        return;
      } catch (TransactionCanceledException cancelled) {
        List<CancellationReason> reasons = cancelled.cancellationReasons();
        if (reasons == null || reasons.size() != pending.size()) {
          fail(pending, results, Result.FAILED);
          return;
        }
        List<Action> again = new ArrayList<>();
        Map<EntityKey, Result> withdrawn = new HashMap<>();
        for (int i = 0; i < pending.size(); i++) {
          Action action = pending.get(i);
          String code = reasons.get(i).code();
          if ("ConditionalCheckFailed".equals(code)) {
            if (action.data()) {
              withdrawn.put(action.entity(), Result.MOVED);
            }
            // A history put that found its item: a replay, nothing to write.
            continue;
          }
          if (code != null && !"None".equals(code)) {
            withdrawn.putIfAbsent(action.entity(), Result.FAILED);
          }
          again.add(action);
        }
        withdrawn.forEach(results::put);
        again.removeIf(action -> withdrawn.containsKey(action.entity()));
        if (again.size() == pending.size()) {
          // Cancelled without a reason this code can act on: no progress is possible by sending it again.
          fail(pending, results, Result.FAILED);
          return;
        }
        pending = again;
      } catch (SdkException e) {
        if (unsupported(e)) {
          throw new Unsupported(e);
        }
        fail(pending, results, Result.FAILED);
        return;
      }
    }
  }

  private static void fail(List<Action> actions, Map<EntityKey, Result> results, Result result) {
    for (Action action : actions) {
      if (results.get(action.entity()) == Result.WRITTEN) {
        results.put(action.entity(), result);
      }
    }
  }

  /** dynalite and other emulators answer an operation they lack with {@code UnknownOperationException}. */
  static boolean unsupported(SdkException e) {
    return e instanceof AwsServiceException service
        && service.awsErrorDetails() != null
        && "UnknownOperationException".equals(service.awsErrorDetails().errorCode());
  }

  /** The plans' puts grouped into transactions, in the order they must be sent. */
  private List<List<Action>> transactions(List<EntityPlan> plans) {
    List<List<Action>> transactions = new ArrayList<>();
    List<Action> open = new ArrayList<>();
    long openBytes = 0;
    for (EntityPlan plan : plans) {
      List<Action> actions = actions(plan);
      if (actions.isEmpty()) {
        continue;
      }
      // A plan too big for one transaction: its leading history puts go first, in transactions of their own.
      while (actions.size() > MAX_ACTIONS || bytes(actions) > MAX_BYTES) {
        List<Action> head = new ArrayList<>();
        long headBytes = 0;
        while (head.size() < MAX_ACTIONS && actions.size() > 1 && headBytes + actions.get(0).bytes() <= MAX_BYTES) {
          headBytes += actions.get(0).bytes();
          head.add(actions.remove(0));
        }
        if (head.isEmpty()) {
          head.add(actions.remove(0));
        }
        transactions.add(head);
      }
      long planBytes = bytes(actions);
      if (open.size() + actions.size() > MAX_ACTIONS || openBytes + planBytes > MAX_BYTES) {
        transactions.add(open);
        open = new ArrayList<>();
        openBytes = 0;
      }
      open.addAll(actions);
      openBytes += planBytes;
    }
    if (!open.isEmpty()) {
      transactions.add(open);
    }
    transactions.removeIf(List::isEmpty);
    return transactions;
  }

  private List<Action> actions(EntityPlan plan) {
    List<Action> actions = new ArrayList<>(plan.writes());
    for (Map<String, AttributeValue> item : plan.history()) {
      actions.add(action(plan.key(), false, tables.history(), item, EntityPlan.HISTORY_CONDITION, null));
    }
    if (plan.data() != null) {
      actions.add(action(plan.key(), true, tables.data(), plan.data().item(), plan.data().condition(), plan.data().values()));
    }
    return actions;
  }

  private static Action action(
      EntityKey entity, boolean data, String table, Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    Put put = Put.builder().tableName(table).item(item).conditionExpression(condition)
        .expressionAttributeNames(EntityPlan.names(condition)).expressionAttributeValues(values).build();
    AttributeValue version = item.get("version");
    AttributeValue seen = values == null ? null : values.get(":seen");
    // What identifies the put: a command's version never changes content, so table, key, version and guard do.
    String identity = String.join("\u0000", table, item.get("pk").s(), item.get("sk").s(),
        version == null ? "" : version.n(), condition, seen == null ? "" : seen.n());
    return new Action(entity, data, TransactWriteItem.builder().put(put).build(), ItemSize.bytes(item), identity);
  }

  private static long bytes(List<Action> actions) {
    return actions.stream().mapToLong(Action::bytes).sum();
  }

  /** At most 36 characters, the same for the same puts: hex of their identities' SHA-256. */
  private static String token(List<Action> actions) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (Action action : actions) {
        digest.update(action.identity().getBytes(StandardCharsets.UTF_8));
        digest.update((byte) '\n');
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 36);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
