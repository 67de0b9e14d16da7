package io.cqrssuite.command;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import java.util.function.Supplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/**
 * The current data items of many entities, read consistently with {@code BatchGetItem}: at most 100 keys per
 * request (its limit), and the keys DynamoDB leaves unprocessed (throttling, the 16 MB response limit) asked again
 * after a growing pause, as its documentation asks.
 */
final class DataItemReads {
  static final int KEYS_PER_REQUEST = 100;
  private static final int ATTEMPTS = 6;
  private static final Duration FIRST_PAUSE = Duration.ofMillis(25);

  private final Supplier<DynamoDbClient> dynamoDb;
  private final String table;

  DataItemReads(Supplier<DynamoDbClient> dynamoDb, String table) {
    this.dynamoDb = dynamoDb;
    this.table = table;
  }

  /**
   * The item of each key, absent from the map where there is none.
   *
   * @throws CommandStoreException a request failed, or keys stayed unprocessed after every attempt
   */
  Map<EntityKey, Map<String, AttributeValue>> read(List<EntityKey> keys) {
    Map<EntityKey, Map<String, AttributeValue>> found = new HashMap<>();
    for (int from = 0; from < keys.size(); from += KEYS_PER_REQUEST) {
      List<Map<String, AttributeValue>> chunk = new ArrayList<>();
      for (EntityKey key : keys.subList(from, Math.min(keys.size(), from + KEYS_PER_REQUEST))) {
        chunk.add(key.dataKey());
      }
      readChunk(chunk, found);
    }
    return found;
  }

  private void readChunk(List<Map<String, AttributeValue>> keys, Map<EntityKey, Map<String, AttributeValue>> found) {
    Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
    Duration pause = FIRST_PAUSE;
    for (int attempt = 1; ; attempt++) {
      BatchGetItemResponse response;
      try {
        Map<String, KeysAndAttributes> asked = request;
        response = dynamoDb.get().batchGetItem(r -> r.requestItems(asked));
      } catch (SdkException e) {
        throw new CommandStoreException(table + ": " + keys.size() + " data items could not be read", e);
      }
      for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
        found.put(EntityKey.of(item), item);
      }
      KeysAndAttributes unprocessed = response.unprocessedKeys().get(table);
      if (unprocessed == null || unprocessed.keys().isEmpty()) {
        return;
      }
      if (attempt == ATTEMPTS) {
        throw new CommandStoreException(
            table + ": " + unprocessed.keys().size() + " data items still unprocessed after " + ATTEMPTS + " BatchGetItem attempts", null);
      }
      request = Map.of(table, unprocessed.toBuilder().consistentRead(true).build());
      Pause.sleep(pause);
      pause = pause.multipliedBy(2);
    }
  }
}
