package io.cqrssuite.command;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * A real DynamoDB client whose command puts wait until {@code parties} publishers have all reached theirs: every
 * publisher has read the same latest version, so only the conditional put can tell them apart.
 */
final class ConcurrentPublishers implements DynamoDbClient {
  private final DynamoDbClient delegate;
  private final String commandTable;
  private final CyclicBarrier barrier;

  ConcurrentPublishers(DynamoDbClient delegate, String commandTable, int parties) {
    this.delegate = delegate;
    this.commandTable = commandTable;
    this.barrier = new CyclicBarrier(parties);
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
    if (request.tableName().equals(commandTable)) {
      try {
        barrier.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (BrokenBarrierException | TimeoutException e) {
        throw new IllegalStateException("the other publisher never reached its put", e);
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
