package io.cqrssuite.command;

import io.cqrssuite.entity.TableMappings;
import io.cqrssuite.entity.Resolution;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.aws.LocalDynamoDb;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The command service against real wire protocols: dynalite for DynamoDB (no Streams, no transactions: the service
 * uses neither) and S3Mock in this JVM for large attributes.
 */
class CommandServiceTest {
  private static final String BUCKET = "suite-commands";
  private static final String PK = "PRODUCT#acme";
  private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
  private static CommandStores stores;
  private static DynamoDbClient dynamoDb;
  private static S3Client s3;

  private final ObjectMapper mapper = EventJson.newMapper();
  private CommandTables tables;
  private CommandSettings settings;
  private CommandService service;

  @BeforeAll
  static void start() throws Exception {
    stores = CommandStores.start(BUCKET);
    dynamoDb = stores.dynamoDb();
    s3 = stores.s3();
  }

  @AfterAll
  static void stop() {
    if (stores != null) {
      stores.close();
    }
  }

  @BeforeEach
  void freshTables() {
    tables = CommandTestTables.create(dynamoDb);
    settings = new CommandSettings(tables, BUCKET, 1024, Duration.ofDays(30));
    service = service(dynamoDb, settings);
  }

  private CommandService service(DynamoDbClient client, CommandSettings settings) {
    return new CommandService(client, s3, settings, mapper, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private ObjectNode product(String name, long price) {
    ObjectNode image = mapper.createObjectNode();
    image.put("name", name);
    image.put("price", price);
    image.put("category", "kitchen");
    image.putArray("tags").add("new").add("eco");
    image.put("isActive", true);
    return image;
  }

  private Map<String, AttributeValue> commandItem(String code, long version) {
    return dynamoDb.getItem(r -> r.tableName(tables.command())
        .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(code + "@" + String.format("%010d", version))))).item();
  }

  private int commandCount() {
    return dynamoDb.scan(r -> r.tableName(tables.command())).count();
  }

  @Test
  void publishWritesVersionOneInTheShapeTheStreamSyncReads() {
    PublishResult result = service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));

    assertThat(result.written()).isTrue();
    assertThat(result.version()).isEqualTo(1);
    Map<String, AttributeValue> item = commandItem("P-001", 1);
    assertThat(item.get("pk").s()).isEqualTo(PK);
    assertThat(item.get("sk").s()).isEqualTo("P-001@0000000001");
    assertThat(item.get("code").s()).isEqualTo("P-001");
    assertThat(item.get("id").s()).isEqualTo("PRODUCT#acme#P-001");
    assertThat(item.get("tenantCode").s()).isEqualTo("acme");
    assertThat(item.get("version").n()).isEqualTo("1");
    assertThat(item.get("isDeleted").bool()).isFalse();
    assertThat(item.get("updatedAt").s()).isEqualTo("2026-11-25T12:00:00Z");
    assertThat(item.get("ttl").n()).isEqualTo(Long.toString(NOW.plus(Duration.ofDays(30)).getEpochSecond()));
    assertThat(item.get("price").n()).isEqualTo("1299");
    assertThat(item.get("tags").l()).extracting(AttributeValue::s).containsExactly("new", "eco");

    DataChangeEvent event = new DataChangeEvent("e1", tables.command(), DataChangeEvent.Operation.INSERT, false,
        null, null, result.command().image(), "1", NOW, null, "us-east-1");
    ChangeRecord change =
        ((Resolution.Entity) new TableMappings(tables.tableMappings("product")).resolve(event)).change();
    assertThat(change.pk()).isEqualTo(PK);
    assertThat(change.code()).isEqualTo("P-001");
    assertThat(change.id()).isEqualTo("PRODUCT#acme#P-001");
    assertThat(change.version()).isEqualTo(1);
    assertThat(change.deleted()).isFalse();
  }

  @Test
  void anOlderFilesRowNeverOverwritesWhatANewerFileWrote() {
    SourceVersion older = SourceVersion.ofObject(NOW.minusSeconds(60), "0055AED6DCD90281E5");
    SourceVersion newer = SourceVersion.ofObject(NOW, "0055AED6DCD90281E6");
    // The newer file's row lands first (its import ran first, or the older file's chunk was retried later).
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 1499)).from(newer.at(2))).written()).isTrue();

    PublishResult old = service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)).from(older.at(2)));

    assertThat(old.superseded()).isTrue();
    assertThat(old.written()).isFalse();
    assertThat(commandCount()).isEqualTo(1);
    assertThat(commandItem("P-001", 1).get("price").n()).isEqualTo("1499");
    assertThat(commandItem("P-001", 1).get(SourceVersion.ATTRIBUTE).s()).isEqualTo(newer.at(2).text());
    // The same row again (a retried chunk of the newer file) is superseded too: equal is not newer.
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 1499)).from(newer.at(2))).superseded()).isTrue();
  }

  @Test
  void aNewerFileWinsAndEqualContentFromANewerFileRecordsItsSourceVersion() {
    SourceVersion first = SourceVersion.ofObject(NOW.minusSeconds(60), "0055AED6DCD90281E5");
    SourceVersion second = SourceVersion.ofObject(NOW.minusSeconds(30), "0055AED6DCD90281F0");
    SourceVersion third = SourceVersion.ofObject(NOW, "0055AED6DCD9028200");
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)).from(first.at(2)));
    // The third file repeats the first's content: written anyway, so its source version is on record ...
    PublishResult same = service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)).from(third.at(2)));
    assertThat(same.written()).isTrue();
    assertThat(same.version()).isEqualTo(2);
    // ... and the second file, older than the third, cannot pass with its other price afterwards.
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 1399)).from(second.at(2))).superseded()).isTrue();
    assertThat(commandItem("P-001", 2).get("price").n()).isEqualTo("1299");
  }

  @Test
  void anApiEditCarriesItsWriteTimeSoAnOlderFileCannotOverrideIt() {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));
    assertThat(commandItem("P-001", 1).get(SourceVersion.ATTRIBUTE).s()).isEqualTo(SourceVersion.ofWrite(NOW).text());
    service.publishPartial(PK, "P-001", 1L, mapper.createObjectNode().put("price", 1599));
    assertThat(commandItem("P-001", 2).get(SourceVersion.ATTRIBUTE).s()).isEqualTo(SourceVersion.ofWrite(NOW).text());

    SourceVersion uploadedBefore = SourceVersion.ofObject(NOW.minusMillis(1), "00FF");
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 999)).from(uploadedBefore.at(7))).superseded()).isTrue();
    SourceVersion uploadedAfter = SourceVersion.ofObject(NOW.plusMillis(1), "01");
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 999)).from(uploadedAfter.at(7))).written()).isTrue();
  }

  @Test
  void sourceVersionsOrderByTimeThenSequencerAsS3ComparesThemThenLine() {
    Instant t = NOW;
    // S3: pad the shorter sequencer with leading zeros, then compare; "FF" < "100".
    assertThat(SourceVersion.ofObject(t, "FF")).isLessThan(SourceVersion.ofObject(t, "100"));
    assertThat(SourceVersion.ofObject(t, "00FF")).isEqualByComparingTo(SourceVersion.ofObject(t, "ff"));
    assertThat(SourceVersion.ofObject(t, "FFFF")).isLessThan(SourceVersion.ofObject(t.plusMillis(1), "0"));
    assertThat(SourceVersion.ofObject(t, "A").at(9)).isLessThan(SourceVersion.ofObject(t, "A").at(10));
    SourceVersion v = SourceVersion.ofObject(t, "0055AED6DCD90281E5").at(123);
    assertThat(SourceVersion.parse(v.text())).isEqualTo(v);
    // The stored text sorts as the versions do.
    assertThat(SourceVersion.ofObject(t, "FF").text()).isLessThan(SourceVersion.ofObject(t, "100").text());
  }

  @Test
  void expectedVersionThatIsNotTheLatestIsAConflictAnsweredWith409() {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1399)).expecting(1));

    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-001", product("kettle", 1499)).expecting(1)))
        .isInstanceOfSatisfying(VersionConflictException.class, e -> {
          assertThat(e.pk()).isEqualTo(PK);
          assertThat(e.code()).isEqualTo("P-001");
          assertThat(e.attemptedVersion()).isEqualTo(2);
          assertThat(e.latestVersion()).isEqualTo(2);
          assertThat(e.httpStatus()).isEqualTo(409);
        });
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-001", product("kettle", 1499)).expecting(0)))
        .isInstanceOf(VersionConflictException.class);
    assertThat(service.latest(PK, "P-001").orElseThrow().image().get("price").intValue()).isEqualTo(1399);
    assertThat(commandCount()).isEqualTo(2);
  }

  @Test
  void ofTwoConcurrentPublishersOfTheSameNextVersionExactlyOneWins() throws Exception {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));
    CommandService racing = service(new RacingPuts(dynamoDb, tables.command(), 2), settings);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<PublishResult>> futures = new ArrayList<>();
    try {
      Map<Future<PublishResult>, String> descriptions = new HashMap<>();
      for (String description : new String[] {"a".repeat(3000), "b".repeat(3000)}) {
        ObjectNode image = product("kettle", 1299);
        image.put("description", description);
        Future<PublishResult> future = pool.submit(() -> racing.publish(NewCommand.of(PK, "P-001", image).expecting(1)));
        futures.add(future);
        descriptions.put(future, description);
      }
      List<String> won = new ArrayList<>();
      List<VersionConflictException> lost = new ArrayList<>();
      for (Future<PublishResult> future : futures) {
        try {
          assertThat(future.get(20, TimeUnit.SECONDS).version()).isEqualTo(2);
          won.add(descriptions.get(future));
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
          lost.add((VersionConflictException) e.getCause());
        }
      }

      assertThat(won).hasSize(1);
      assertThat(lost).hasSize(1);
      assertThat(lost.get(0).attemptedVersion()).isEqualTo(2);
      assertThat(lost.get(0).latestVersion()).isEqualTo(2);
      // Both wrote their description to S3 first; the loser's object must not have replaced the winner's.
      ObjectNode stored = service.latest(PK, "P-001").orElseThrow().image();
      assertThat(CommandImages.isPointer(stored.get("description"))).isTrue();
      assertThat(service.images().resolve(stored).get("description").textValue()).isEqualTo(won.get(0));
      assertThat(commandCount()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingPublishersOfTheSameLargeValueWriteOneObjectAndTheLoserStillGetsAConflict() throws Exception {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));
    CommandService racing = service(new RacingPuts(dynamoDb, tables.command(), 2), settings);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<PublishResult>> futures = new ArrayList<>();
      for (long price : new long[] {1, 2}) {
        ObjectNode image = product("kettle", price);
        image.put("description", "same ".repeat(1000));
        futures.add(pool.submit(() -> racing.publish(NewCommand.of(PK, "P-001", image))));
      }
      int conflicts = 0;
      for (Future<PublishResult> future : futures) {
        try {
          future.get(20, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          // The second upload of the same content-addressed key is refused with 412 and counts as written.
          assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
          conflicts++;
        }
      }
      assertThat(conflicts).isEqualTo(1);
      StoredCommand latest = service.latest(PK, "P-001").orElseThrow();
      assertThat(latest.version()).isEqualTo(2);
      assertThat(service.images().resolve(latest.image()).get("description").textValue()).isEqualTo("same ".repeat(1000));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void latestVersionIsFoundPastTheNinthAndTenth() {
    for (int v = 1; v <= 12; v++) {
      assertThat(service.publish(NewCommand.of(PK, "P-1", product("lamp", 100L * v)).expecting(v - 1)).version()).isEqualTo(v);
    }
    service.publish(NewCommand.of(PK, "P-10", product("chair", 5)));

    StoredCommand latest = service.latest(PK, "P-1").orElseThrow();
    assertThat(latest.version()).isEqualTo(12);
    assertThat(latest.image().get("price").longValue()).isEqualTo(1200);
    assertThat(latest.image().get("sk").textValue()).isEqualTo("P-1@0000000012");
    assertThat(service.get(PK, "P-1", 10).orElseThrow().image().get("price").longValue()).isEqualTo(1000);
    assertThat(service.get(PK, "P-1", 9).orElseThrow().image().get("price").longValue()).isEqualTo(900);
    assertThat(service.latest(PK, "P-10").orElseThrow().version()).isEqualTo(1);
    assertThat(service.publish(NewCommand.of(PK, "P-1", product("lamp", 1)).expecting(12)).version()).isEqualTo(13);
  }

  @Test
  void anUnchangedImageWritesNothing() {
    PublishResult first = service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));
    ObjectNode same = product("kettle", 1299);
    same.put("updatedAt", "2030-01-01T00:00:00Z");
    same.put("updatedBy", "someone-else");

    PublishResult second = service.publish(NewCommand.of(PK, "P-001", same).expecting(1));

    assertThat(second.noOp()).isTrue();
    assertThat(second.version()).isEqualTo(1);
    assertThat(second.command().image()).isEqualTo(first.command().image());
    assertThat(commandCount()).isEqualTo(1);
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 1300))).written()).isTrue();
    assertThat(commandCount()).isEqualTo(2);
  }

  @Test
  void partialUpdateMergesOntoTheLatestAndWritesTheFullImage() throws Exception {
    ObjectNode image = product("kettle", 1299);
    image.put("description", "steel kettle");
    image.putObject("dimensions").put("w", 10).put("h", 20);
    service.publish(NewCommand.of(PK, "P-001", image));

    PublishResult patched = service.publishPartial(PK, "P-001", 1L,
        mapper.readTree("{\"description\": null, \"dimensions\": {\"h\": 25}, \"tags\": [\"sale\"], \"price\": 999}"));

    assertThat(patched.version()).isEqualTo(2);
    Map<String, AttributeValue> item = commandItem("P-001", 2);
    assertThat(item).doesNotContainKey("description");
    assertThat(item.get("name").s()).isEqualTo("kettle");
    assertThat(item.get("category").s()).isEqualTo("kitchen");
    assertThat(item.get("isActive").bool()).isTrue();
    assertThat(item.get("price").n()).isEqualTo("999");
    assertThat(item.get("tags").l()).extracting(AttributeValue::s).containsExactly("sale");
    assertThat(item.get("dimensions").m()).containsOnlyKeys("w", "h");
    assertThat(item.get("dimensions").m().get("w").n()).isEqualTo("10");
    assertThat(item.get("dimensions").m().get("h").n()).isEqualTo("25");
    assertThat(item.get("sk").s()).isEqualTo("P-001@0000000002");

    assertThat(service.publishPartial(PK, "P-001", 2L, mapper.readTree("{\"price\": 999}")).noOp()).isTrue();
    assertThatThrownBy(() -> service.publishPartial(PK, "P-001", 1L, mapper.readTree("{\"price\": 1}")))
        .isInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> service.publishPartial(PK, "P-001", null, mapper.readTree("[1]")))
        .isInstanceOfSatisfying(InvalidCommandException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
  }

  @Test
  void deleteIsLogicalAndKeepsTheImage() throws Exception {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299)));

    PublishResult deleted = service.delete(PK, "P-001", 1L);

    assertThat(deleted.version()).isEqualTo(2);
    assertThat(deleted.command().deleted()).isTrue();
    Map<String, AttributeValue> item = commandItem("P-001", 2);
    assertThat(item.get("isDeleted").bool()).isTrue();
    assertThat(item.get("name").s()).isEqualTo("kettle");
    assertThat(commandItem("P-001", 1).get("isDeleted").bool()).isFalse();
    assertThat(service.delete(PK, "P-001", null).noOp()).isTrue();
    assertThatThrownBy(() -> service.publishPartial(PK, "P-001", null, mapper.readTree("{\"price\": 1}")))
        .isInstanceOfSatisfying(CommandNotFoundException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
    // Created again: the versions go on after the delete, they never restart.
    assertThat(service.publish(NewCommand.of(PK, "P-001", product("kettle", 1299))).version()).isEqualTo(3);
  }

  @Test
  void rollbackPublishesTheEarlierImageAsANewVersion() {
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 100)));
    service.publish(NewCommand.of(PK, "P-001", product("kettle", 200)));
    service.delete(PK, "P-001", 2L);

    PublishResult restored = service.rollback(PK, "P-001", 1, 3L);

    assertThat(restored.version()).isEqualTo(4);
    assertThat(restored.command().deleted()).isFalse();
    assertThat(commandItem("P-001", 4).get("price").n()).isEqualTo("100");
    assertThat(commandItem("P-001", 1).get("price").n()).isEqualTo("100");
    assertThatThrownBy(() -> service.rollback(PK, "P-001", 4, null)).isInstanceOf(InvalidCommandException.class);
    assertThatThrownBy(() -> service.rollback(PK, "P-001", 2, 3L)).isInstanceOf(VersionConflictException.class);
    assertThat(service.rollback(PK, "P-001", 1, 4L).noOp()).isTrue();
  }

  @Test
  void rollbackReadsTheHistoryOnceTheCommandHasExpiredAndVersionsNeverRestart() {
    CommandSync sync = new CommandSync(dynamoDb, tables);
    for (long price : new long[] {100, 200, 300}) {
      sync.apply(service.publish(NewCommand.of(PK, "P-001", product("kettle", price))).command().image());
    }
    // TTL removes every command item of the entity.
    for (int v = 1; v <= 3; v++) {
      String sk = "P-001@" + String.format("%010d", v);
      dynamoDb.deleteItem(r -> r.tableName(tables.command()).key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(sk))));
    }

    assertThat(service.latest(PK, "P-001").orElseThrow().version()).isEqualTo(3);
    PublishResult restored = service.rollback(PK, "P-001", 1, 3L);

    assertThat(restored.version()).isEqualTo(4);
    assertThat(commandItem("P-001", 4).get("price").n()).isEqualTo("100");
  }

  @Test
  void largeAttributeGoesToAnImmutableS3ObjectAndResolvesBack() throws Exception {
    ObjectNode image = product("kettle", 1299);
    String description = "steel ".repeat(1000);
    image.put("description", description);
    image.set("specs", mapper.readTree("{\"manual\": \"" + "page ".repeat(500) + "\", \"parts\": [1, 2.5]}"));

    PublishResult first = service.publish(NewCommand.of(PK, "P-001", image));

    Map<String, AttributeValue> item = commandItem("P-001", 1);
    Map<String, AttributeValue> pointer = item.get("description").m().get("$s3").m();
    assertThat(pointer.get("bucket").s()).isEqualTo(BUCKET);
    String key = pointer.get("key").s();
    assertThat(key).startsWith("commands/" + tables.command() + "/PRODUCT#acme/P-001@0000000001/description.");
    byte[] object = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray();
    assertThat(pointer.get("bytes").n()).isEqualTo(Integer.toString(object.length));
    assertThat(pointer.get("sha256").s()).isEqualTo(CommandImages.sha256(object));
    assertThat(mapper.readTree(object).textValue()).isEqualTo(description);
    assertThatThrownBy(() -> s3.putObject(r -> r.bucket(BUCKET).key(key).ifNoneMatch("*"), RequestBody.fromString("\"replaced\"")))
        .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
    assertThat(item.get("specs").m()).containsOnlyKeys("$s3");
    assertThat(item.get("name").s()).isEqualTo("kettle");

    ObjectNode resolved = service.images().resolve(first.command().image());
    assertThat(resolved.get("description").textValue()).isEqualTo(description);
    assertThat(resolved.get("specs")).isEqualTo(image.get("specs"));
    // Republishing the same full image is recognised as unchanged, pointers notwithstanding.
    assertThat(service.publish(NewCommand.of(PK, "P-001", image)).noOp()).isTrue();

    // A patch that leaves the description alone reuses its object; one that changes it writes a new one.
    PublishResult repriced = service.publishPartial(PK, "P-001", 1L, mapper.readTree("{\"price\": 1}"));
    assertThat(repriced.command().image().get("description")).isEqualTo(first.command().image().get("description"));
    PublishResult redescribed = service.publishPartial(PK, "P-001", 2L, mapper.readTree("{\"description\": \"" + "oak ".repeat(1000) + "\"}"));
    String newKey = redescribed.command().image().get("description").get("$s3").get("key").textValue();
    assertThat(newKey).contains("/P-001@0000000003/description.").isNotEqualTo(key);
    assertThat(mapper.readTree(s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asByteArray()).textValue()).isEqualTo(description);
    assertThat(service.images().resolve(service.get(PK, "P-001", 1).orElseThrow().image()).get("description").textValue()).isEqualTo(description);
    assertThat(service.images().resolve(redescribed.command().image()).get("description").textValue()).isEqualTo("oak ".repeat(1000));
    // A patch merging into an offloaded object reads it, merges, and stores the result.
    PublishResult respecced = service.publishPartial(PK, "P-001", 3L, mapper.readTree("{\"specs\": {\"manual\": null}}"));
    assertThat(service.images().resolve(respecced.command().image()).get("specs")).isEqualTo(mapper.readTree("{\"parts\": [1, 2.5]}"));
  }

  @Test
  void anImageOfManyMidSizedAttributesIsShrunkByOffloadingTheLargest() {
    ObjectNode image = product("kettle", 1299);
    for (int i = 0; i < 450; i++) {
      image.put("note" + i, "x".repeat(1000));
    }

    PublishResult result = service.publish(NewCommand.of(PK, "P-001", image));

    Map<String, AttributeValue> item = commandItem("P-001", 1);
    long offloaded = item.values().stream().filter(v -> v.hasM() && v.m().containsKey("$s3")).count();
    assertThat(offloaded).isPositive().isLessThan(450);
    assertThat(service.images().resolve(result.command().image()).get("note17").textValue()).isEqualTo("x".repeat(1000));
  }

  @Test
  void anItemTooLargeForDynamoDbIsRefusedNamingTheAttribute() {
    CommandService withoutBucket = service(dynamoDb, new CommandSettings(tables, null, 65_536, Duration.ZERO));
    ObjectNode image = product("kettle", 1299);
    image.put("description", "d".repeat(420_000));

    assertThatThrownBy(() -> withoutBucket.publish(NewCommand.of(PK, "P-001", image)))
        .isInstanceOfSatisfying(CommandTooLargeException.class, e -> {
          assertThat(e.attribute()).isEqualTo("description");
          assertThat(e.httpStatus()).isEqualTo(413);
          assertThat(e.getMessage()).contains("description").contains(CommandSettings.BUCKET);
        });
    ObjectNode bookkeepingTooLarge = product("kettle", 1299);
    bookkeepingTooLarge.put("updatedBy", "u".repeat(420_000));
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-002", bookkeepingTooLarge)))
        .isInstanceOfSatisfying(CommandTooLargeException.class, e -> assertThat(e.attribute()).isEqualTo("updatedBy"));
    assertThat(commandCount()).isZero();
  }

  @Test
  void commandsThatNeedAMissingEntityAreNotFound() throws Exception {
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-404", product("x", 1)).expecting(3)))
        .isInstanceOfSatisfying(CommandNotFoundException.class, e -> assertThat(e.httpStatus()).isEqualTo(404));
    assertThatThrownBy(() -> service.publishPartial(PK, "P-404", null, mapper.readTree("{\"price\": 1}")))
        .isInstanceOf(CommandNotFoundException.class);
    assertThatThrownBy(() -> service.delete(PK, "P-404", null)).isInstanceOf(CommandNotFoundException.class);
    assertThatThrownBy(() -> service.rollback(PK, "P-404", 1, null)).isInstanceOf(CommandNotFoundException.class);
    assertThat(service.latest(PK, "P-404")).isEmpty();
    assertThat(service.get(PK, "P-404", 1)).isEmpty();
    assertThat(service.publish(NewCommand.of(PK, "P-404", product("x", 1)).expecting(0)).version()).isEqualTo(1);
  }

  @Test
  void malformedCommandsAreRefusedBeforeAnyWrite() throws Exception {
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P@1", product("x", 1))))
        .isInstanceOfSatisfying(InvalidCommandException.class, e -> assertThat(e.getMessage()).contains("'@'"));
    assertThatThrownBy(() -> service.publish(NewCommand.of(" ", "P-1", product("x", 1)))).isInstanceOf(InvalidCommandException.class);
    ObjectNode forged = product("x", 1);
    forged.set("description", mapper.readTree("{\"$s3\": {\"bucket\": \"other\", \"key\": \"secret\", \"sha256\": \"00\", \"bytes\": 1}}"));
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-1", forged)))
        .isInstanceOfSatisfying(InvalidCommandException.class, e -> assertThat(e.getMessage()).contains("description"));
    ObjectNode emptyName = product("x", 1);
    emptyName.put("", "no name");
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-1", emptyName))).isInstanceOf(InvalidCommandException.class);
    assertThat(commandCount()).isZero();
  }

  /**
   * Issue 12, point 5, on the command path: a refused command's message (logs, alarms, the task cause) names the key,
   * the attribute and the type; the value it refused is only in the detail (the dead-letter envelope, the caller).
   */
  @Test
  void aRefusedValueIsKeptOutOfTheShownMessage() {
    String marker = "MARKER-" + java.util.UUID.randomUUID();
    ObjectNode body = product("x", 1);
    body.put("isDeleted", marker);
    assertThatThrownBy(() -> service.publish(NewCommand.of(PK, "P-1", body)))
        .isInstanceOfSatisfying(InvalidCommandException.class, e -> {
          assertThat(e.getMessage()).contains("isDeleted", "STRING").doesNotContain(marker);
          assertThat(io.cqrssuite.failure.FailureText.of(e).shown()).doesNotContain(marker);
          assertThat(e.detail()).hasValueSatisfying(detail -> assertThat(detail).contains(marker));
          assertThat(io.cqrssuite.failure.FailureText.of(e).detailed()).contains(marker);
        });
  }

  @Test
  void anUnreachableTableIsATransientStoreFailure() throws Exception {
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (DynamoDbClient nowhere = LocalDynamoDb.client(java.net.URI.create("http://127.0.0.1:" + closedPort))) {
      CommandService unreachable = service(nowhere, settings);
      assertThatThrownBy(() -> unreachable.publish(NewCommand.of(PK, "P-1", product("x", 1))))
          .isInstanceOf(CommandStoreException.class)
          .hasMessageContaining(tables.command())
          .satisfies(e -> assertThat(io.cqrssuite.failure.FailureClassifier.classify(e)).isEqualTo(io.cqrssuite.failure.FailureKind.TRANSIENT));
    }
  }
}
