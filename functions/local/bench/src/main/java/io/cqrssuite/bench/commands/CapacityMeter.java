package io.cqrssuite.bench.commands;

import io.cqrssuite.command.ItemSize;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * The calls a client makes, by operation, and the capacity units DynamoDB would charge for them, by its rules: a
 * write one unit per started KB of the item, twice that inside a transaction, charged whether its condition holds or
 * not (so a cancelled transaction and a failed conditional put count); a strongly consistent read one unit per
 * started 4 KB of the item returned, one for a key with none. A call the engine refuses outright (dynalite's
 * {@code UnknownOperationException} to a transaction) is counted as a call but charges nothing.
 */
final class CapacityMeter implements ExecutionInterceptor {
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final AtomicLong readUnits = new AtomicLong();
  private final AtomicLong writeUnits = new AtomicLong();

  @Override
  public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
    calls.computeIfAbsent(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    charge(context.request(), context.response(), true);
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    String error = context.exception().getClass().getSimpleName();
    // A refused operation (the engine does not know it) reaches no item; a failed condition or a cancellation does.
    if (error.equals("ConditionalCheckFailedException") || error.equals("TransactionCanceledException")) {
      charge(context.request(), null, false);
    }
  }

  private void charge(Object request, Object response, boolean succeeded) {
    if (request instanceof PutItemRequest put) {
      writeUnits.addAndGet(ItemSize.writeUnits(put.item(), false));
    } else if (request instanceof TransactWriteItemsRequest transaction) {
      for (TransactWriteItem item : transaction.transactItems()) {
        if (item.put() != null) {
          writeUnits.addAndGet(ItemSize.writeUnits(item.put().item(), true));
        }
      }
    } else if (succeeded && request instanceof GetItemRequest && response instanceof GetItemResponse got) {
      readUnits.addAndGet(ItemSize.consistentReadUnits(got.hasItem() ? got.item() : null));
    } else if (succeeded && request instanceof BatchGetItemRequest batch && response instanceof BatchGetItemResponse got) {
      long asked = batch.requestItems().values().stream().mapToLong(k -> k.keys().size()).sum();
      long unprocessed = got.unprocessedKeys().values().stream().mapToLong(k -> k.keys().size()).sum();
      long found = 0;
      for (List<Map<String, AttributeValue>> items : got.responses().values()) {
        for (Map<String, AttributeValue> item : items) {
          readUnits.addAndGet(ItemSize.consistentReadUnits(item));
          found++;
        }
      }
      // Keys read and not found still cost a unit each.
      readUnits.addAndGet(Math.max(0, asked - unprocessed - found));
    }
  }

  Map<String, Long> calls() {
    Map<String, Long> sorted = new TreeMap<>();
    calls.forEach((operation, count) -> sorted.put(operation, count.get()));
    return sorted;
  }

  long readUnits() {
    return readUnits.get();
  }

  long writeUnits() {
    return writeUnits.get();
  }
}
