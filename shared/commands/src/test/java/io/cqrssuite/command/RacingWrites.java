package io.cqrssuite.command;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;

/**
 * A real DynamoDB client whose first writes of the data table (a put, or any transaction) are held until
 * {@code parties} callers have all reached theirs: every caller has read the same data item, so only the guards can
 * tell them apart. Later writes (a retry after losing) go straight through, and so do writes before {@link #arm()}.
 */
final class RacingWrites implements DynamoDbClient {
  private final DynamoDbClient delegate;
  private final String dataTable;
  private final CountDownLatch arrived;
  private volatile boolean armed;

  RacingWrites(DynamoDbClient delegate, String dataTable, int parties) {
    this.delegate = delegate;
    this.dataTable = dataTable;
    this.arrived = new CountDownLatch(parties);
  }

  @Override
  public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
    return delegate.batchGetItem(request);
  }

  @Override
  public GetItemResponse getItem(GetItemRequest request) {
    return delegate.getItem(request);
  }

  @Override
  public PutItemResponse putItem(PutItemRequest request) {
    if (request.tableName().equals(dataTable)) {
      awaitTheOthers();
    }
    return delegate.putItem(request);
  }

  @Override
  public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
    awaitTheOthers();
    return delegate.transactWriteItems(request);
  }

  /** Holds the next writes from now on. */
  RacingWrites arm() {
    armed = true;
    return this;
  }

  private void awaitTheOthers() {
    if (!armed || arrived.getCount() == 0) {
      return;
    }
    arrived.countDown();
    try {
      if (!arrived.await(10, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the other callers never reached their write to " + dataTable);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String serviceName() {
    return delegate.serviceName();
  }

  @Override
  public void close() {}
}
