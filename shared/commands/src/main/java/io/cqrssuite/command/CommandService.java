package io.cqrssuite.command;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Writes an entity's changes as immutable, versioned commands (contract §1): each publish puts the full image at the
 * next version with a conditional put ({@code attribute_not_exists(pk)} on {@code code@<next>}), so of two publishers
 * of one version exactly one wins and the other gets {@link VersionConflictException}. The stream of the command
 * table then feeds {@link CommandSync} and the read models.
 *
 * <p>Guarantees: the latest version is read from the command table itself (a consistent, descending query on
 * {@code begins_with(sk, code@)}), never from the lagging data table; when every command item of an entity has
 * expired by TTL the data table's version is used, so versions never restart. A command equal to the latest
 * (ignoring {@code sk, version, updatedAt, updatedBy, updatedIp, requestId, ttl}) writes nothing. Partial updates,
 * deletes ({@code isDeleted = true}) and rollbacks all end as a full image at a new version. Attributes too large for
 * the item are written to S3 first and kept as pointers ({@link CommandImages}).
 */
public final class CommandService {
  /** Attributes that change with every write and so do not make a change of their own. */
  static final Set<String> BOOKKEEPING =
      Set.of("sk", "version", "updatedAt", "updatedBy", "updatedIp", "requestId", "ttl", SourceVersion.ATTRIBUTE);

  private final Supplier<DynamoDbClient> dynamoDb;
  private final CommandSettings settings;
  private final CommandImages images;
  private final LargeAttributes large;
  private final ObjectMapper mapper;
  private final Clock clock;

  /** {@code s3} may be {@code null} when {@code settings} name no bucket. */
  public CommandService(DynamoDbClient dynamoDb, S3Client s3, CommandSettings settings, ObjectMapper mapper, Clock clock) {
    this(dynamoDb, s3 == null ? null : () -> s3, settings, mapper, clock);
  }

  /**
   * With an S3 client asked for only when an attribute is offloaded or a pointer read (a reader of commands never
   * builds one); {@code s3} may be {@code null} when {@code settings} name no bucket.
   */
  public CommandService(
      DynamoDbClient dynamoDb, Supplier<S3Client> s3, CommandSettings settings, ObjectMapper mapper, Clock clock) {
    this(() -> dynamoDb, s3, settings, mapper, clock);
  }

  /** With the DynamoDB client, too, asked for at the first read or write (the module builds it then, not at init). */
  public CommandService(
      Supplier<DynamoDbClient> dynamoDb, Supplier<S3Client> s3, CommandSettings settings, ObjectMapper mapper,
      Clock clock) {
    this.dynamoDb = dynamoDb;
    this.settings = settings;
    this.images = new CommandImages(s3, settings, mapper);
    this.large = new LargeAttributes(s3, settings.bucket(), settings.offloadThresholdBytes(), settings.offloadMaxBytes(), mapper);
    this.mapper = mapper;
    this.clock = clock;
  }

  /** The reader that resolves this service's S3 pointers. */
  public CommandImages images() {
    return images;
  }

  /**
   * Publishes a full image at the next version.
   *
   * @throws VersionConflictException the expected version is not the latest, or a concurrent publisher won
   * @throws CommandNotFoundException an expected version above 0 for an entity that does not exist
   * @throws CommandTooLargeException the item would not fit DynamoDB
   */
  public PublishResult publish(NewCommand command) {
    String pk = command.pk();
    String code = command.code();
    requireKey(pk, code);
    if (command.image() == null) {
      throw new InvalidCommandException(pk + "#" + code + ": the command has no image");
    }
    Optional<StoredCommand> latest = latest(pk, code);
    expect(pk, code, command.expectedVersion(), latest);
    SourceVersion incoming = command.sourceVersion();
    if (incoming != null && latest.isPresent()) {
      SourceVersion stored = sourceVersionOf(latest.get());
      if (stored != null && stored.compareTo(incoming) >= 0) {
        // Content from an older (or the same) file than what the entity holds: the newer source stands.
        return new PublishResult(latest.get(), false, true);
      }
    }
    return write(pk, code, command.image(), latest, latest.map(l -> LargeAttributes.pointers(l.image())).orElse(List.of()), incoming);
  }

  /** The source version the entity's latest command holds, {@code null} for one written before they existed. */
  static SourceVersion sourceVersionOf(StoredCommand command) {
    JsonNode text = command.image().get(SourceVersion.ATTRIBUTE);
    return text == null || !text.isTextual() ? null : SourceVersion.parse(text.textValue());
  }

  /**
   * Applies a JSON Merge Patch (RFC 7386) to the latest full image and publishes the result as a full image.
   *
   * @param expectedVersion {@code null}: apply to whatever is latest (a concurrent write still makes a conflict)
   * @throws CommandNotFoundException the entity does not exist or is deleted
   */
  public PublishResult publishPartial(String pk, String code, Long expectedVersion, JsonNode mergePatch) {
    requireKey(pk, code);
    if (mergePatch == null || !mergePatch.isObject()) {
      throw new InvalidCommandException(pk + "#" + code + ": a merge patch of an entity must be a JSON object, found "
          + (mergePatch == null ? "nothing" : mergePatch.getNodeType()));
    }
    StoredCommand latest = existing(pk, code, "cannot be patched");
    if (latest.deleted()) {
      throw new CommandNotFoundException(pk, code, "is deleted (version " + latest.version() + ") and cannot be patched");
    }
    expect(pk, code, expectedVersion, Optional.of(latest));
    ObjectNode base = latest.image().deepCopy();
    // Only an attribute the patch merges into needs its value; the others keep their pointers untouched.
    for (Iterator<Map.Entry<String, JsonNode>> it = mergePatch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> member = it.next();
      if (member.getValue().isObject() && CommandImages.isPointer(base.get(member.getKey()))) {
        base.set(member.getKey(), images.fetch(pk, code, member.getKey(), base.get(member.getKey())));
      }
    }
    ObjectNode merged = (ObjectNode) MergePatch.apply(base, mergePatch);
    return write(pk, code, merged, Optional.of(latest), LargeAttributes.pointers(latest.image()), null);
  }

  /** Deletes logically: the latest image with {@code isDeleted = true}, at a new version. Deleting a deleted entity is a no-op. */
  public PublishResult delete(String pk, String code, Long expectedVersion) {
    requireKey(pk, code);
    StoredCommand latest = existing(pk, code, "cannot be deleted");
    expect(pk, code, expectedVersion, Optional.of(latest));
    ObjectNode image = latest.image().deepCopy();
    image.put("isDeleted", true);
    return write(pk, code, image, Optional.of(latest), LargeAttributes.pointers(latest.image()), null);
  }

  /**
   * Restores the image of {@code toVersion} (from the command table, or the history table once the command has
   * expired) as a new command at the next version; a deleted entity can be restored this way.
   *
   * @throws InvalidCommandException {@code toVersion} is not an earlier version
   * @throws CommandNotFoundException the entity, or that version of it, does not exist
   */
  public PublishResult rollback(String pk, String code, long toVersion, Long expectedVersion) {
    requireKey(pk, code);
    StoredCommand latest = existing(pk, code, "cannot be rolled back");
    expect(pk, code, expectedVersion, Optional.of(latest));
    if (toVersion < 1 || toVersion >= latest.version()) {
      throw new InvalidCommandException(pk + "#" + code + ": can roll back to versions 1 to " + (latest.version() - 1) + ", not " + toVersion);
    }
    StoredCommand source = get(pk, code, toVersion)
        .orElseThrow(() -> new CommandNotFoundException(pk, code, "version " + toVersion + " is in neither the command nor the history table"));
    List<JsonNode> trusted = new ArrayList<>(LargeAttributes.pointers(latest.image()));
    trusted.addAll(LargeAttributes.pointers(source.image()));
    return write(pk, code, source.image().deepCopy(), Optional.of(latest), trusted, null);
  }

  /** The latest version as stored (large attributes as pointers), or empty when the entity never existed. */
  public Optional<StoredCommand> latest(String pk, String code) {
    requireKey(pk, code);
    String table = settings.tables().command();
    List<Map<String, AttributeValue>> items;
    try {
      items = dynamoDb.get().query(r -> r.tableName(table)
              .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
              .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk), ":prefix", AttributeValue.fromS(CommandKeys.prefix(code))))
              .scanIndexForward(false)
              .limit(1)
              .consistentRead(true))
          .items();
    } catch (SdkException e) {
      throw new CommandStoreException(table + ": the latest command of " + pk + "#" + code + " could not be read", e);
    }
    if (!items.isEmpty()) {
      return Optional.of(stored(pk, code, items.get(0)));
    }
    // Every command item may have expired by TTL: the data table has long caught up then, and its version is the one
    // to continue from (starting again at 1 would make every read model ignore the entity as stale).
    Map<String, AttributeValue> data = getItem(settings.tables().data(), pk, code);
    if (data == null) {
      return Optional.empty();
    }
    StoredCommand fromData = stored(pk, code, data);
    fromData.image().put("sk", CommandKeys.versioned(code, fromData.version()));
    return Optional.of(fromData);
  }

  /** One version as stored: from the command table, or from the history table once the command has expired. */
  public Optional<StoredCommand> get(String pk, String code, long version) {
    requireKey(pk, code);
    String sk = CommandKeys.versioned(code, version);
    Map<String, AttributeValue> item = getItem(settings.tables().command(), pk, sk);
    if (item == null) {
      item = getItem(settings.tables().history(), pk, sk);
    }
    return item == null ? Optional.empty() : Optional.of(stored(pk, code, item));
  }

  /** {@code incoming}: the command's source version, {@code null} for a write through the API (its write time). */
  private PublishResult write(
      String pk, String code, ObjectNode body, Optional<StoredCommand> latest, List<JsonNode> trusted, SourceVersion incoming) {
    ObjectNode image = ItemJson.canonical(body);
    for (Iterator<Map.Entry<String, JsonNode>> it = image.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> attribute = it.next();
      if (CommandImages.isPointer(attribute.getValue()) && !trusted.contains(attribute.getValue())) {
        throw new InvalidCommandException(pk + "#" + code + ": attribute '" + attribute.getKey()
            + "' is shaped like an S3 pointer ({\"$s3\": ...}); only pointers this entity already holds may be written back");
      }
    }
    JsonNode isDeleted = image.get("isDeleted");
    if (isDeleted != null && !isDeleted.isNull() && !isDeleted.isBoolean()) {
      String reason = pk + "#" + code + ": isDeleted must be true or false, found a " + isDeleted.getNodeType();
      throw new InvalidCommandException(reason, reason + ": " + isDeleted);
    }
    long next = latest.map(StoredCommand::version).orElse(0L) + 1;
    Instant now = clock.instant();
    image.put("pk", pk);
    image.put("code", code);
    image.put("id", ChangeRecord.idOf(pk, code));
    String tenant = tenantOf(pk);
    if (!image.hasNonNull("tenantCode") && tenant != null) {
      image.put("tenantCode", tenant);
    }
    image.put("isDeleted", isDeleted != null && isDeleted.booleanValue());
    if (!image.hasNonNull("createdAt")) {
      JsonNode created = latest.map(l -> l.image().get("createdAt")).orElse(null);
      if (created != null && !created.isNull()) {
        image.set("createdAt", created);
      } else {
        image.put("createdAt", now.toString());
      }
    }
    // Equal content writes nothing, unless it comes from a newer source than the entity holds: that source version
    // must be recorded, or a file between the two could later pass the check with other content.
    if (latest.isPresent() && sameContent(image, latest.get().image()) && !advances(incoming, latest.get())) {
      return new PublishResult(latest.get(), false);
    }
    image.put("sk", CommandKeys.versioned(code, next));
    image.put("version", next);
    image.put("updatedAt", now.toString());
    image.put(SourceVersion.ATTRIBUTE, (incoming != null ? incoming : SourceVersion.ofWrite(now)).text());
    if (settings.commandTtl().isZero()) {
      image.remove("ttl");
    } else {
      image.put("ttl", now.plus(settings.commandTtl()).getEpochSecond());
    }
    String table = settings.tables().command();
    Map<String, AttributeValue> item = large.store(table, pk, code, next, image, latest.map(StoredCommand::image).orElse(null));
    try {
      dynamoDb.get().putItem(r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    } catch (ConditionalCheckFailedException taken) {
      throw new VersionConflictException(pk, code, next, latest(pk, code).map(StoredCommand::version).orElse(0L));
    } catch (DynamoDbException e) {
      if (e.awsErrorDetails() != null && "ValidationException".equals(e.awsErrorDetails().errorCode())) {
        // The item itself is malformed (an empty attribute name, a number out of range): no retry will change that.
        // DynamoDB's message may quote the item's values: only the envelope and the caller get it.
        String reason = pk + "#" + code + ": DynamoDB refused the command (ValidationException)";
        throw new InvalidCommandException(reason, reason + ": " + e.awsErrorDetails().errorMessage());
      }
      throw new CommandStoreException(table + ": command " + pk + "#" + CommandKeys.versioned(code, next) + " could not be written", e);
    } catch (SdkException e) {
      throw new CommandStoreException(table + ": command " + pk + "#" + CommandKeys.versioned(code, next) + " could not be written", e);
    }
    return new PublishResult(new StoredCommand(pk, code, next, image.get("isDeleted").booleanValue(), ItemJson.toJson(item)), true);
  }

  private static boolean advances(SourceVersion incoming, StoredCommand latest) {
    if (incoming == null) {
      return false;
    }
    SourceVersion stored = sourceVersionOf(latest);
    return stored == null || stored.compareTo(incoming) < 0;
  }

  private boolean sameContent(ObjectNode image, ObjectNode latest) {
    Set<String> names = new HashSet<>();
    image.fieldNames().forEachRemaining(names::add);
    latest.fieldNames().forEachRemaining(names::add);
    names.removeAll(BOOKKEEPING);
    for (String name : names) {
      JsonNode a = image.get(name);
      JsonNode b = latest.get(name);
      if (a == null || b == null ? a != b : !sameValue(a, b)) {
        return false;
      }
    }
    return true;
  }

  /** Equal values; a pointer equals another with the same digest, and an inline value whose bytes have its digest. */
  private boolean sameValue(JsonNode a, JsonNode b) {
    if (a.equals(b)) {
      return true;
    }
    boolean pointerA = CommandImages.isPointer(a);
    boolean pointerB = CommandImages.isPointer(b);
    if (pointerA && pointerB) {
      return a.get(CommandImages.POINTER).path("sha256").equals(b.get(CommandImages.POINTER).path("sha256"));
    }
    if (pointerA || pointerB) {
      JsonNode pointer = (pointerA ? a : b).get(CommandImages.POINTER);
      try {
        return CommandImages.sha256(mapper.writeValueAsBytes(pointerA ? b : a)).equals(pointer.path("sha256").asText());
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a JSON tree always serialises", e);
      }
    }
    return false;
  }

  private StoredCommand existing(String pk, String code, String what) {
    return latest(pk, code).orElseThrow(() -> new CommandNotFoundException(pk, code, "does not exist and " + what));
  }

  private static void expect(String pk, String code, Long expected, Optional<StoredCommand> latest) {
    if (expected == null) {
      return;
    }
    if (expected < 0) {
      throw new InvalidCommandException(pk + "#" + code + ": an expected version is 0 (new) or positive, not " + expected);
    }
    long actual = latest.map(StoredCommand::version).orElse(0L);
    if (expected == actual) {
      return;
    }
    if (latest.isEmpty()) {
      throw new CommandNotFoundException(pk, code, "expected version " + expected + ", but the entity does not exist");
    }
    throw new VersionConflictException(pk, code, expected + 1, actual);
  }

  private Map<String, AttributeValue> getItem(String table, String pk, String sk) {
    Map<String, AttributeValue> item;
    try {
      item = dynamoDb.get().getItem(r -> r.tableName(table).key(Map.of("pk", AttributeValue.fromS(pk), "sk", AttributeValue.fromS(sk))).consistentRead(true)).item();
    } catch (SdkException e) {
      throw new CommandStoreException(table + ": " + pk + " / " + sk + " could not be read", e);
    }
    return item == null || item.isEmpty() ? null : item;
  }

  private static StoredCommand stored(String pk, String code, Map<String, AttributeValue> item) {
    ObjectNode image = ItemJson.toJson(item);
    JsonNode version = image.get("version");
    if (version == null || !version.canConvertToExactIntegral()) {
      throw new IllegalStateException(pk + "#" + code + ": a stored command without an integral version: " + image.get("sk"));
    }
    return new StoredCommand(pk, code, version.longValue(), image.path("isDeleted").asBoolean(false), image);
  }

  private static void requireKey(String pk, String code) {
    if (pk == null || pk.isBlank()) {
      throw new InvalidCommandException("a command needs a pk (TYPE#tenant)");
    }
    if (code == null || code.isBlank()) {
      throw new InvalidCommandException(pk + ": a command needs a code");
    }
    // begins_with(sk, "a@") would also match the commands of a code "a@b": '@' belongs to the key's syntax.
    if (code.indexOf('@') >= 0) {
      throw new InvalidCommandException(pk + ": the code '" + code + "' contains '@', which separates the code from the version in sk");
    }
  }

  /** {@code PRODUCT#acme} gives {@code acme}. */
  private static String tenantOf(String pk) {
    int hash = pk.indexOf('#');
    return hash >= 0 && hash < pk.length() - 1 ? pk.substring(hash + 1) : null;
  }
}
