package io.cqrssuite.verification.importrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.command.CommandService;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.NewCommand;
import io.cqrssuite.command.VersionConflictException;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.verification.cloud.CommandTableStream;
import io.cqrssuite.verification.cloud.LocalCloud;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The command path of {@code ./suite run}: products published through {@link CommandService} (create, merge-patch
 * update, delete, rollback, and a stale write refused with {@link VersionConflictException}), the command table's
 * stream delivered to the function (direct sync mode), then the data table, the history table and both read models
 * checked for exactly those products.
 */
public final class CommandStage {
  /** The tenant of this stage's products; no other stage writes it. */
  public static final String TENANT = "cmdrun";

  private static final ObjectMapper JSON = EventJson.newMapper();
  private static final String PK = "PRODUCT#" + TENANT;

  private CommandStage() {}

  /** What the stage did and found. */
  public record Report(
      int published,
      int conflicts,
      CommandTableStream.Delivery delivery,
      long dataMismatches,
      long historyMismatches,
      TenantReadModelCheck.Report rows,
      TenantReadModelCheck.Report documents,
      List<String> examples) {
    public long mismatches() {
      return dataMismatches + historyMismatches + rows.mismatches() + documents.mismatches() + delivery.givenUp();
    }
  }

  public static Report run(LocalCloud cloud, TenantReadModelCheck.ReadModels readModels) throws Exception {
    DynamoDbClient dynamoDb = cloud.dynamoDb().client();
    CommandService service = new CommandService(
        dynamoDb, cloud.s3(), CommandSettings.fromEnvironment(cloud.environment()).orElseThrow(), JSON, Clock.systemUTC());
    Map<String, ExpectedProduct> expected = new LinkedHashMap<>();
    int published = 0;
    int conflicts = 0;

    // A kettle created, then patched twice: price, then category.
    service.publish(NewCommand.of(PK, "K-1", product("K-1", "Steel kettle", 3_900, "kitchen", true)));
    service.publishPartial(PK, "K-1", 1L, JSON.createObjectNode().put("price", 4_200));
    service.publishPartial(PK, "K-1", 2L, JSON.createObjectNode().put("category", "tea"));
    expected.put(id("K-1"), new ExpectedProduct(id("K-1"), 3, false, "Steel kettle", 4_200, "tea", true));
    published += 3;

    // A lamp created and deleted.
    service.publish(NewCommand.of(PK, "L-1", product("L-1", "Desk lamp", 2_500, "office", true)));
    service.delete(PK, "L-1", 1L);
    expected.put(id("L-1"), new ExpectedProduct(id("L-1"), 2, true, "Desk lamp", 2_500, "office", true));
    published += 2;

    // A chair renamed by mistake and rolled back to its first version.
    service.publish(NewCommand.of(PK, "C-1", product("C-1", "Oak chair", 12_000, "office", true)));
    service.publishPartial(PK, "C-1", 1L, JSON.createObjectNode().put("name", "Oak chiar").put("isActive", false));
    service.rollback(PK, "C-1", 1L, 2L);
    expected.put(id("C-1"), new ExpectedProduct(id("C-1"), 3, false, "Oak chair", 12_000, "office", true));
    published += 3;

    // A hose patched, then patched again by a writer who read version 1: refused, nothing written.
    service.publish(NewCommand.of(PK, "H-1", product("H-1", "Garden hose", 1_900, "garden", true)));
    service.publishPartial(PK, "H-1", 1L, JSON.createObjectNode().put("price", 1_700));
    published += 2;
    try {
      service.publishPartial(PK, "H-1", 1L, JSON.createObjectNode().put("price", 1_500));
    } catch (VersionConflictException e) {
      conflicts++;
    }
    expected.put(id("H-1"), new ExpectedProduct(id("H-1"), 2, false, "Garden hose", 1_700, "garden", true));

    CommandTableStream stream = cloud.commandStream();
    CommandTableStream.Delivery delivery = stream.deliver(cloud.function(), stream.poll(), LocalCloud.STREAM_BATCH_SIZE);

    List<String> examples = new ArrayList<>();
    long dataMismatches = 0;
    long historyMismatches = 0;
    for (ExpectedProduct product : expected.values()) {
      String code = product.id().substring(PK.length() + 1);
      Map<String, AttributeValue> data = dynamoDb.getItem(r -> r.tableName(cloud.tables().data())
          .key(Map.of("pk", AttributeValue.fromS(PK), "sk", AttributeValue.fromS(code))).consistentRead(true)).item();
      boolean deleted = data != null && data.containsKey("isDeleted") && Boolean.TRUE.equals(data.get("isDeleted").bool());
      if (data == null || data.isEmpty() || Long.parseLong(data.get("version").n()) != product.version() || deleted != product.deleted()) {
        dataMismatches++;
        examples.add("data table " + product.id() + ": expected v" + product.version() + (product.deleted() ? " deleted" : "") + ", found " + data);
      }
      int history = dynamoDb.query(r -> r.tableName(cloud.tables().history())
          .keyConditionExpression("pk = :pk AND begins_with(sk, :prefix)")
          .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(PK), ":prefix", AttributeValue.fromS(code + "@")))
          .consistentRead(true)).count();
      if (history != product.version() - 1) {
        historyMismatches++;
        examples.add("history table " + product.id() + ": expected " + (product.version() - 1) + " earlier versions, found " + history);
      }
    }
    TenantReadModelCheck.Report rows = TenantReadModelCheck.relational(readModels, TENANT, expected);
    TenantReadModelCheck.Report documents = TenantReadModelCheck.search(readModels, TENANT, expected);
    examples.addAll(rows.examples());
    examples.addAll(documents.examples());
    return new Report(published, conflicts, delivery, dataMismatches, historyMismatches, rows, documents, List.copyOf(examples));
  }

  private static ObjectNode product(String code, String name, long price, String category, boolean active) {
    ObjectNode image = JSON.createObjectNode();
    image.put("tenantCode", TENANT);
    image.put("name", name);
    image.put("price", price);
    image.put("category", category);
    image.putArray("tags").add("demo");
    image.put("isActive", active);
    return image;
  }

  private static String id(String code) {
    return PK + "#" + code;
  }
}
