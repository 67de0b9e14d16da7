package io.cqrssuite.command;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A real DynamoDB client whose first puts to {@code table} are held until {@code parties} callers have all reached
 * theirs: every caller has read the same state, so only the conditional put can tell them apart. Later puts (a
 * retry after losing) go straight through.
 */
final class RacingPuts implements DynamoDbClient {
  private final DynamoDbClient delegate;
  private final String table;
  private final CountDownLatch arrived;

  RacingPuts(DynamoDbClient delegate, String table, int parties) {
    this.delegate = delegate;
    this.table = table;
    this.arrived = new CountDownLatch(parties);
  }

  @Override
  public QueryResponse query(QueryRequest request) {
    return delegate.query(request);
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    return delegate.getItem(request);
  }

  @Override
  public PutItemResponse putItem(PutItemRequest request) {
    if (request.tableName().equals(table) && arrived.getCount() > 0) {
      arrived.countDown();
      try {
        if (!arrived.await(10, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the other callers never reached their put to " + table);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return delegate.putItem(request);
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {}
}
