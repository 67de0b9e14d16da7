package io.cqrssuite.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.sync.SyncOutcome;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * The sync step of the command stream: a committed command image becomes the data table's latest state
 * ({@code sk = code}) and the state it replaces goes to the history table ({@code sk = code@<version>}).
 *
 * <p>Guarantees, whatever the redelivery or order: an older version never replaces a newer one; a duplicate changes
 * nothing; every version that is not (or no longer) the latest ends in the history table, including one that arrives
 * after a newer one (it is archived, not applied). The data put is conditional on the version it read
 * ({@code #version = :seen}, itself lower than the incoming one): a plain {@code version < :v} guard would let two
 * concurrent syncs both archive the same old state while the one in between is lost from history. Command items'
 * {@code ttl} is dropped: data and history are kept for good. Large attributes stay pointers; S3 objects are immutable.
 *
 * <p>Call it for every command record, in stream order; not through the per-batch de-duplication of the
 * read-model dispatcher, which keeps only the newest version of an entity and so would leave gaps in history.
 */
public final class CommandSync {
  private static final int ROUNDS = 5;

  private final Supplier<DynamoDbClient> dynamoDb;
  private final CommandTables tables;

  public CommandSync(DynamoDbClient dynamoDb, CommandTables tables) {
    this(() -> dynamoDb, tables);
  }

  /** With the DynamoDB client asked for at the first command synced (the module builds it then, not at init). */
  public CommandSync(Supplier<DynamoDbClient> dynamoDb, CommandTables tables) {
    this.dynamoDb = dynamoDb;
    this.tables = tables;
  }

  /** Whether the change comes from this module's command table. */
  public boolean accepts(ChangeRecord change) {
    return tables.command().equals(change.table());
  }

  public SyncOutcome apply(ChangeRecord change) {
    return apply(change.image());
  }

  /**
   * Applies one command image (plain JSON, as {@code DataChangeEvent} converts the stream's NewImage).
   *
   * @throws PermanentException the image lacks pk, code (or sk) or an integral version
   * @throws TransientException DynamoDB failed, or the data item kept changing under this sync
   */
  public SyncOutcome apply(ObjectNode commandImage) {
    String pk = text(commandImage, "pk");
    String code = commandImage.hasNonNull("code") ? text(commandImage, "code") : codeOfKey(text(commandImage, "sk"));
    JsonNode versionNode = commandImage.get("version");
    if (versionNode == null || !versionNode.canConvertToExactIntegral() || versionNode.longValue() < 0) {
      throw new PermanentException("command " + pk + "#" + code + " has no non-negative integral version: " + versionNode);
    }
    long version = versionNode.longValue();
    Map<String, AttributeValue> incoming = ItemJson.toItem(commandImage);
    incoming.remove("ttl");
    Map<String, AttributeValue> data = new HashMap<>(incoming);
    data.put("sk", AttributeValue.fromS(code));
    for (int round = 0; round < ROUNDS; round++) {
      Map<String, AttributeValue> current = read(pk, code);
      if (current == null) {
        if (put(tables.data(), data, "attribute_not_exists(pk)", null)) {
          return SyncOutcome.APPLIED;
        }
        continue;
      }
      AttributeValue storedValue = current.get("version");
      Long stored = storedValue == null || storedValue.n() == null ? null : Long.valueOf(storedValue.n());
      if (stored != null && stored == version) {
        return SyncOutcome.DUPLICATE;
      }
      if (stored != null && stored > version) {
        archive(incoming, code, version);
        return new SyncOutcome.Stale(stored);
      }
      if (stored != null) {
        archive(current, code, stored);
      }
      if (stored == null
          ? put(tables.data(), data, "attribute_not_exists(#version)", null)
          : put(tables.data(), data, "#version = :seen", Map.of(":seen", storedValue))) {
        return SyncOutcome.APPLIED;
      }
    }
    throw new TransientException(tables.data() + ": " + pk + "#" + code + " changed under " + ROUNDS + " consecutive attempts to apply version " + version);
  }

  /**
   * The data item a command image becomes, as {@link #apply(ObjectNode)} writes it: the image less its TTL, keyed by
   * the plain code. For tools that fill a data table the way the command side would (a generated source, a restore).
   */
  public static Map<String, AttributeValue> dataItem(ObjectNode commandImage) {
    String code = commandImage.hasNonNull("code") ? text(commandImage, "code") : codeOfKey(text(commandImage, "sk"));
    Map<String, AttributeValue> data = ItemJson.toItem(commandImage);
    data.remove("ttl");
    data.put("sk", AttributeValue.fromS(code));
    return data;
  }

  /** Writes a previous state once; a second write of the same version is a replay and changes nothing. */
  private void archive(Map<String, AttributeValue> state, String code, long version) {
    Map<String, AttributeValue> item = new HashMap<>(state);
    item.remove("ttl");
    item.put("sk", AttributeValue.fromS(CommandKeys.versioned(code, version)));
    put(tables.history(), item, "attribute_not_exists(pk)", null);
  }

  private boolean put(String table, Map<String, AttributeValue> item, String condition, Map<String, AttributeValue> values) {
    try {
      dynamoDb.get().putItem(r -> {
        r.tableName(table).item(item).conditionExpression(condition);
        if (condition.contains("#version")) {
          r.expressionAttributeNames(Map.of("#version", "version"));
        }
        if (values != null) {
          r.expressionAttributeValues(values);
        }
      });
      return true;
    } catch (ConditionalCheckFailedException lost) {
      return false;
    } catch (SdkException e) {
      throw new CommandStoreException(table + ": " + item.get("pk").s() + " / " + item.get("sk").s() + " could not be written", e);
    }
  }

  private Map<String, AttributeValue> read(String pk, String code) {
    try {
      Map<String, AttributeValue> item = dynamoDb.get().getItem(r -> r.tableName(tables.data())
          .key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(code))).consistentRead(true)).item();
      return item == null || item.isEmpty() ? null : item;
    } catch (SdkException e) {
      throw new CommandStoreException(tables.data() + ": " + pk + " / " + code + " could not be read", e);
    }
  }

  private static String text(ObjectNode image, String name) {
    JsonNode value = image.get(name);
    if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
      throw new PermanentException("a command image needs a non-empty string '" + name + "', found " + value);
    }
    return value.textValue();
  }

  /** {@code code@0000000012} gives {@code code}. */
  private static String codeOfKey(String sk) {
    int at = sk.lastIndexOf('@');
    return at < 0 ? sk : sk.substring(0, at);
  }
}
