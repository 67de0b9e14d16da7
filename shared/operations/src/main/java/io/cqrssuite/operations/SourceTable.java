package io.cqrssuite.operations;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.entity.MappingException;
import io.cqrssuite.entity.Resolution;
import io.cqrssuite.entity.TableMapping;
import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.AttributeValueJson;
import io.cqrssuite.reliability.stream.StreamRecordJson;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * A DynamoDB table read as the read models' source: each item becomes the {@link ChangeRecord} its table mapping
 * makes of it, exactly as a stream record with that image would (the same attribute-value conversion and the same
 * {@link TableMappings} resolution), with offloaded attributes resolved by the command side's resolver when one is
 * given. Items of no mapped entity type are skipped and counted.
 *
 * <p>{@link #scan} is a parallel {@code Scan} over segments, one thread each; {@link #read} a consistent
 * {@code GetItem}, for the re-check of a difference before it is reported.
 */
public final class SourceTable {
  private final DynamoDbClient dynamoDb;
  private final TableMapping mapping;
  private final TableMappings mappings;
  private final UnaryOperator<ObjectNode> resolver;
  private final StreamRecordJson toAttributeJson = new StreamRecordJson(JsonNodeFactory.instance);
  private final AttributeValueJson toPlainJson = new AttributeValueJson(JsonNodeFactory.withExactBigDecimals(true));
  private final List<String> keyAttributes;
  private final List<ChangeIndex> changeIndexes;
  private final AtomicLong consumedCapacity = new AtomicLong();
  private final AtomicLong itemsRead = new AtomicLong();
  private final AtomicLong unmapped = new AtomicLong();

  /** {@code resolver}: the command side's resolution of offloaded attributes, or {@link UnaryOperator#identity()}. */
  public SourceTable(DynamoDbClient dynamoDb, TableMapping mapping, UnaryOperator<ObjectNode> resolver) {
    this.dynamoDb = dynamoDb;
    this.mapping = mapping;
    this.mappings = new TableMappings(List.of(mapping));
    this.resolver = resolver;
    TableDescription description = dynamoDb.describeTable(r -> r.tableName(mapping.table())).table();
    this.keyAttributes = description.keySchema().stream().map(KeySchemaElement::attributeName).toList();
    this.changeIndexes = description.globalSecondaryIndexes().stream()
        .filter(index -> index.keySchema().size() == 2)
        .map(index -> new ChangeIndex(
            index.indexName(),
            key(index.keySchema(), KeyType.HASH),
            key(index.keySchema(), KeyType.RANGE),
            index.projection() != null && index.projection().projectionType() == ProjectionType.ALL))
        .toList();
  }

  private static String key(List<KeySchemaElement> schema, KeyType type) {
    return schema.stream().filter(k -> k.keyType() == type).findFirst().map(KeySchemaElement::attributeName).orElseThrow();
  }

  /**
   * A global secondary index sorted by a change time ({@code updatedAt}): an incremental read can Query it per
   * partition and read only the items changed since, instead of scanning the whole table.
   *
   * @param projectsAll whether its items carry every attribute; if not, each changed item is read from the table
   */
  public record ChangeIndex(String name, String partitionKey, String sortKey, boolean projectsAll) {}

  /** The first global secondary index whose sort key is {@code attribute}, if the table has one. */
  public Optional<ChangeIndex> changeIndex(String attribute) {
    return changeIndexes.stream().filter(index -> index.sortKey().equals(attribute)).findFirst();
  }

  public String table() {
    return mapping.table();
  }

  public TableMapping mapping() {
    return mapping;
  }

  /** Items of the table, and of them the live and the deleted (flagged by the mapping's deleted flag). */
  public record Counts(long items, long live, long tombstones) {}

  /**
   * Counts every item by one scan that projects only the key and the deleted flag: exact, and as costly in read
   * capacity as a full scan (DynamoDB charges by the item size read, not returned).
   */
  public Counts counts() {
    long items = 0;
    long tombstones = 0;
    String flag = mapping.deletedFlag();
    Map<String, AttributeValue> start = null;
    do {
      ScanRequest.Builder request =
          ScanRequest.builder().tableName(mapping.table()).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
      if (flag != null) {
        request.projectionExpression("#flag").expressionAttributeNames(Map.of("#flag", flag));
      } else {
        request.select(Select.COUNT);
      }
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      ScanResponse page = dynamoDb.scan(request.build());
      count(page.consumedCapacity() == null ? null : page.consumedCapacity().capacityUnits());
      items += page.count();
      if (flag != null) {
        for (Map<String, AttributeValue> item : page.items()) {
          AttributeValue value = item.get(flag);
          if (value != null && Boolean.TRUE.equals(value.bool())) {
            tombstones++;
          }
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null);
    return new Counts(items, items - tombstones, tombstones);
  }

  /** One item as the read models' source: its change, and its key for a consistent re-read. */
  public record SourceItem(ChangeRecord change, Map<String, AttributeValue> key) {}

  /** Read capacity units the scans and reads consumed so far (as DynamoDB reports them; 0 on emulators that do not). */
  /**
   * The items DynamoDB read for {@link #scanPages} and {@link #queryChangedPages} so far (its {@code ScannedCount}:
   * before a filter, so what is charged), across every call on this instance.
   */
  public long itemsRead() {
    return itemsRead.get();
  }

  public double consumedCapacity() {
    return consumedCapacity.get() / 1000.0;
  }

  /** Items skipped because no entity type of the mapping takes them. */
  public long unmapped() {
    return unmapped.get();
  }

  /** Every item, {@code segments} scans at once; {@code sink} is called from several threads. */
  public void scan(int segments, Consumer<SourceItem> sink) throws Exception {
    if (segments == 1) {
      scanSegment(0, 1, Integer.MAX_VALUE, sink);
      return;
    }
    ExecutorService threads = Executors.newFixedThreadPool(segments, daemon("source-scan"));
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int segment = 0; segment < segments; segment++) {
        int s = segment;
        running.add(threads.submit(() -> {
          scanSegment(s, segments, Integer.MAX_VALUE, sink);
          return null;
        }));
      }
      for (Future<?> segment : running) {
        try {
          segment.get();
        } catch (ExecutionException e) {
          throw e.getCause() instanceof Exception cause ? cause : e;
        }
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * A sample: {@code segments} segments drawn at random (DynamoDB spreads items over segments by the hash of their
   * key, so a segment is a random subset), and up to {@code perSegment} items of each.
   */
  public void sample(int segments, int perSegment, long seed, Consumer<SourceItem> sink) {
    // As many segments as hold about perSegment items each (by DynamoDB's approximate count), so a drawn segment is
    // neither empty nor the whole table; never fewer than are drawn, never more than MAX_SAMPLE_SPACE.
    long approximate = Math.max(0, approximateCount());
    int space = (int) Math.max(segments, Math.min(MAX_SAMPLE_SPACE, approximate / perSegment));
    SplittableRandom random = new SplittableRandom(seed);
    Set<Integer> drawn = new TreeSet<>();
    while (drawn.size() < Math.min(segments, space)) {
      drawn.add(random.nextInt(space));
    }
    for (int segment : drawn) {
      scanSegment(segment, space, perSegment, sink);
    }
  }

  /** The most segments a sample draws from. */
  static final int MAX_SAMPLE_SPACE = 1024;

  private void scanSegment(int segment, int total, int limit, Consumer<SourceItem> sink) {
    Map<String, AttributeValue> start = null;
    int taken = 0;
    do {
      ScanRequest.Builder request = segmentScan(segment, total);
      if (limit < Integer.MAX_VALUE) {
        request.limit(Math.max(1, limit - taken));
      }
      if (start != null) {
        request.exclusiveStartKey(start);
      }
      ScanResponse page = dynamoDb.scan(request.build());
      count(page.consumedCapacity() == null ? null : page.consumedCapacity().capacityUnits());
      for (Map<String, AttributeValue> item : page.items()) {
        Optional<SourceItem> source = toSource(item);
        if (source.isPresent()) {
          sink.accept(source.get());
          taken++;
        }
      }
      start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
    } while (start != null && taken < limit);
  }

  /** What a page-wise scan hands over: the page's items, and the key to go on from ({@code null}: segment done). */
  public interface PageSink {
    void accept(List<SourceItem> items, Map<String, AttributeValue> next) throws Exception;
  }

  /**
   * Scans one segment page by page from {@code start} ({@code null}: from its beginning), only the items whose
   * {@code attribute} is at least {@code since} when {@code since} is given (a filter: DynamoDB still reads, and
   * charges for, every item of the segment). Each page goes to {@code sink} with the key to resume after it.
   */
  public void scanPages(
      int segment, int total, Map<String, AttributeValue> start, String attribute, String since, PageSink sink) throws Exception {
    Map<String, AttributeValue> next = start;
    do {
      ScanRequest.Builder request = segmentScan(segment, total);
      if (since != null) {
        request.filterExpression("#changed >= :since")
            .expressionAttributeNames(Map.of("#changed", attribute))
            .expressionAttributeValues(Map.of(":since", AttributeValue.fromS(since)));
      }
      if (next != null) {
        request.exclusiveStartKey(next);
      }
      ScanResponse page = dynamoDb.scan(request.build());
      count(page.consumedCapacity() == null ? null : page.consumedCapacity().capacityUnits());
      itemsRead.addAndGet(page.scannedCount() == null ? page.count() : page.scannedCount());
      List<SourceItem> items = new ArrayList<>(page.items().size());
      for (Map<String, AttributeValue> item : page.items()) {
        toSource(item).ifPresent(items::add);
      }
      next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      sink.accept(items, next);
    } while (next != null);
  }

  /**
   * Reads, page by page from {@code start}, the items of {@code index}'s partition {@code partition} whose sort key
   * (the change time) is at least {@code since}: a Query, so DynamoDB reads only those items. When the index does not
   * project every attribute, each page's items are then read from the table by their keys ({@code BatchGetItem}).
   * Each page goes to {@code sink} with the key to resume after it.
   */
  public void queryChangedPages(
      ChangeIndex index, String partition, Map<String, AttributeValue> start, String since, PageSink sink) throws Exception {
    Map<String, AttributeValue> next = start;
    do {
      QueryRequest.Builder request = QueryRequest.builder()
          .tableName(mapping.table())
          .indexName(index.name())
          .keyConditionExpression("#p = :p AND #changed >= :since")
          .expressionAttributeNames(Map.of("#p", index.partitionKey(), "#changed", index.sortKey()))
          .expressionAttributeValues(Map.of(":p", AttributeValue.fromS(partition), ":since", AttributeValue.fromS(since)))
          .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
      if (next != null) {
        request.exclusiveStartKey(next);
      }
      QueryResponse page = dynamoDb.query(request.build());
      count(page.consumedCapacity() == null ? null : page.consumedCapacity().capacityUnits());
      itemsRead.addAndGet(page.scannedCount() == null ? page.count() : page.scannedCount());
      List<Map<String, AttributeValue>> found = index.projectsAll() ? page.items() : fromTable(page.items());
      List<SourceItem> items = new ArrayList<>(found.size());
      for (Map<String, AttributeValue> item : found) {
        toSource(item).ifPresent(items::add);
      }
      next = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty() ? page.lastEvaluatedKey() : null;
      sink.accept(items, next);
    } while (next != null);
  }

  /** The table's items for index items (which carry the table's key), 100 keys a request, unprocessed keys again. */
  private List<Map<String, AttributeValue>> fromTable(List<Map<String, AttributeValue>> indexItems) throws InterruptedException {
    List<Map<String, AttributeValue>> items = new ArrayList<>(indexItems.size());
    for (int from = 0; from < indexItems.size(); from += 100) {
      List<Map<String, AttributeValue>> keys = new ArrayList<>();
      for (Map<String, AttributeValue> indexItem : indexItems.subList(from, Math.min(indexItems.size(), from + 100))) {
        Map<String, AttributeValue> key = new HashMap<>();
        keyAttributes.forEach(attribute -> key.put(attribute, indexItem.get(attribute)));
        keys.add(key);
      }
      Map<String, KeysAndAttributes> pending = Map.of(mapping.table(), KeysAndAttributes.builder().keys(keys).build());
      for (int attempt = 0; !pending.isEmpty(); attempt++) {
        if (attempt > 0) {
          Thread.sleep(Math.min(1_000, 20L << Math.min(attempt, 6)));
        }
        Map<String, KeysAndAttributes> request = pending;
        BatchGetItemResponse response = dynamoDb.batchGetItem(r -> r.requestItems(request).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        response.consumedCapacity().forEach(c -> count(c.capacityUnits()));
        items.addAll(response.responses().getOrDefault(mapping.table(), List.of()));
        pending = response.unprocessedKeys();
      }
    }
    return items;
  }

  private ScanRequest.Builder segmentScan(int segment, int total) {
    return ScanRequest.builder()
        .tableName(mapping.table())
        .segment(segment)
        .totalSegments(total)
        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
  }

  /** The item at {@code key}, read consistently (what the table holds now), or empty when it is gone. */
  public Optional<SourceItem> read(Map<String, AttributeValue> key) {
    var response =
        dynamoDb.getItem(r -> r.tableName(mapping.table()).key(key).consistentRead(true).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
    count(response.consumedCapacity() == null ? null : response.consumedCapacity().capacityUnits());
    return response.hasItem() && !response.item().isEmpty() ? toSource(response.item()) : Optional.empty();
  }

  /** DynamoDB's own item count: free, but refreshed only about every six hours, so approximate. */
  public long approximateCount() {
    Long count = dynamoDb.describeTable(r -> r.tableName(mapping.table())).table().itemCount();
    return count == null ? -1 : count;
  }

  private void count(Double capacityUnits) {
    if (capacityUnits != null) {
      consumedCapacity.addAndGet(Math.round(capacityUnits * 1000));
    }
  }

  private Optional<SourceItem> toSource(Map<String, AttributeValue> item) {
    ObjectNode image = toPlainJson.item(toAttributeJson.item(item), "Item");
    Map<String, AttributeValue> key = new HashMap<>();
    ObjectNode keys = JsonNodeFactory.instance.objectNode();
    for (String attribute : keyAttributes) {
      key.put(attribute, item.get(attribute));
      keys.set(attribute, image.get(attribute));
    }
    ObjectNode resolved = resolver.apply(image);
    DataChangeEvent event =
        new DataChangeEvent(
            "reconcile", mapping.table(), DataChangeEvent.Operation.MODIFY, false, keys, null, resolved, null, null, null, null);
    Resolution resolution;
    try {
      resolution = mappings.resolve(event);
    } catch (MappingException e) {
      unmapped.incrementAndGet();
      return Optional.empty();
    }
    if (resolution instanceof Resolution.Entity entity) {
      return Optional.of(new SourceItem(entity.change(), key));
    }
    unmapped.incrementAndGet();
    return Optional.empty();
  }

  private static ThreadFactory daemon(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
