package io.cqrssuite.corpus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Generates the bad-input corpus kept in {@code events/bad/corpus/}: malformed and hostile deliveries derived from
 * the good samples, each with the indexes of the records in it that are still well-formed (and must be processed).
 * Run {@link #main} to rewrite the corpus; {@code BadInputCorpusTest} checks the files are exactly what this makes.
 */
public final class BadInputCorpus {
  /** One corpus file: its name, its bytes, the indexes of the records that must still succeed. */
  public record Case(String name, byte[] content, Set<Integer> good) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path events;
  private final List<Case> cases = new ArrayList<>();

  private BadInputCorpus(Path events) {
    this.events = events;
  }

  public static void main(String[] args) throws IOException {
    Path events = Path.of(args.length > 0 ? args[0] : "events");
    Path dir = events.resolve("bad").resolve("corpus");
    Files.createDirectories(dir);
    try (Stream<Path> old = Files.list(dir)) {
      for (Path file : old.toList()) {
        Files.delete(file);
      }
    }
    Map<String, Object> manifest = new LinkedHashMap<>();
    for (Case c : generate(events)) {
      Files.write(dir.resolve(c.name()), c.content());
      manifest.put(c.name(), c.good());
    }
    Files.writeString(dir.resolve("MANIFEST.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(manifest) + "\n");
  }

  public static List<Case> generate(Path events) throws IOException {
    BadInputCorpus corpus = new BadInputCorpus(events);
    corpus.truncations();
    corpus.notEvents();
    corpus.missingKeys();
    corpus.wrongTypes();
    corpus.attributeValues();
    corpus.hostileIdentifiers();
    corpus.huge();
    corpus.encodings();
    return corpus.cases;
  }

  // ---- whole documents ---------------------------------------------------------------------------------------

  private void truncations() throws IOException {
    for (String sample : samples()) {
      byte[] bytes = Files.readAllBytes(events.resolve(sample));
      for (int cut : new int[] {1, 10, bytes.length / 3, bytes.length / 2, bytes.length - 2}) {
        add("truncated-" + slug(sample) + "-at-" + cut + ".json", java.util.Arrays.copyOf(bytes, cut), Set.of());
      }
    }
  }

  private void notEvents() {
    String[] documents = {
      "{}", "[]", "null", "42", "\"hello\"", "true", "{\"Records\": []}", "{\"Records\": {}}", "{\"Records\": null}",
      "{\"Records\": [42]}", "{\"Records\": [{\"eventSource\": \"aws:kinesis\"}]}", "{\"Records\": [{\"EventSource\": 7}]}",
      "{\"detail-type\": \"x\"}", "{\"source\": \"a\", \"detail-type\": \"b\"}", "{\"taskToken\": 5}", "{\"executionId\": \"e\"}",
      "{\"hello\": \"world\", \"nested\": {\"deep\": [1, 2, 3]}}", "{\"Records\": [{}]}", "", " ", "{\"a\":1}{\"b\":2}",
      "{\"a\": 1, \"a\": 2}", "[{\"eventSource\": \"aws:sqs\"}]", "{\"Records\": [[]]}"
    };
    for (int i = 0; i < documents.length; i++) {
      add("not-an-event-" + i + ".json", documents[i].getBytes(StandardCharsets.UTF_8), Set.of());
    }
  }

  // ---- records inside otherwise good batches -----------------------------------------------------------------

  /** For each batch sample, remove a required key from one record; the other records stay good. */
  private void missingKeys() throws IOException {
    Map<String, String[]> required = new LinkedHashMap<>();
    required.put("sqs/standard-batch.json", new String[] {"/messageId", "/body", "/eventSourceARN"});
    required.put("sqs/fifo-batch.json", new String[] {"/messageId", "/body"});
    required.put("s3/object-created-batch.json", new String[] {"/s3", "/s3/bucket/name", "/s3/object/key", "/eventName", "/s3/object"});
    required.put("dynamodb/product-command-changes.json",
        new String[] {"/eventName", "/dynamodb", "/dynamodb/Keys", "/dynamodb/SequenceNumber", "/eventSourceARN", "/dynamodb/NewImage", "/dynamodb/NewImage/version"});
    required.put("dynamodb/product-data-changes.json", new String[] {"/dynamodb/OldImage"});
    for (Map.Entry<String, String[]> sample : required.entrySet()) {
      for (String pointer : sample.getValue()) {
        ObjectNode event = read(sample.getKey());
        int bad = event.path("Records").size() > 1 ? 1 : 0;
        if (sample.getKey().contains("product-data") && pointer.contains("OldImage")) {
          bad = 2; // the REMOVE record
        }
        JsonNode record = event.path("Records").get(bad);
        remove(record, pointer);
        add("missing" + pointer.replace('/', '-') + "-in-" + slug(sample.getKey()) + ".json", bytes(event), othersThan(event, bad));
      }
    }
  }

  private void wrongTypes() throws IOException {
    Object[][] changes = {
      {"sqs/standard-batch.json", "/body", JSON.createObjectNode().put("not", "a string")},
      {"sqs/standard-batch.json", "/messageId", JSON.getNodeFactory().numberNode(7)},
      {"sqs/standard-batch.json", "/messageAttributes", JSON.getNodeFactory().textNode("type=ORDER_CREATED")},
      {"sqs/standard-batch.json", "/attributes", JSON.createArrayNode().add("x")},
      {"sqs/standard-batch.json", "/eventSource", JSON.getNodeFactory().textNode("aws:s3")},
      {"s3/object-created-batch.json", "/s3/object/size", JSON.getNodeFactory().textNode("big")},
      {"s3/object-created-batch.json", "/s3/object/key", JSON.getNodeFactory().numberNode(12)},
      {"s3/object-created-batch.json", "/eventTime", JSON.getNodeFactory().textNode("yesterday")},
      {"s3/object-created-batch.json", "/s3/bucket", JSON.getNodeFactory().textNode("catalog-imports")},
      {"dynamodb/product-command-changes.json", "/eventName", JSON.getNodeFactory().textNode("UPSERT")},
      {"dynamodb/product-command-changes.json", "/dynamodb/Keys", JSON.createArrayNode()},
      {"dynamodb/product-command-changes.json", "/dynamodb/ApproximateCreationDateTime", JSON.getNodeFactory().textNode("now")},
      {"dynamodb/product-command-changes.json", "/eventSourceARN", JSON.getNodeFactory().textNode("not-an-arn")},
      {"dynamodb/product-command-changes.json", "/dynamodb/Keys/pk", JSON.createObjectNode().put("BOOL", true)},
      {"dynamodb/product-command-changes.json", "/dynamodb/NewImage/version", JSON.createObjectNode().put("S", "2")},
      {"dynamodb/product-command-changes.json", "/dynamodb/NewImage/version", JSON.createObjectNode().put("N", "1.5")},
      {"dynamodb/product-command-changes.json", "/dynamodb/NewImage/version", JSON.createObjectNode().put("N", "-3")},
      {"dynamodb/product-command-changes.json", "/dynamodb/NewImage", JSON.getNodeFactory().textNode("{}")},
    };
    int n = 0;
    for (Object[] change : changes) {
      ObjectNode event = read((String) change[0]);
      int bad = 1;
      set(event.path("Records").get(bad), (String) change[1], (JsonNode) change[2]);
      add("wrong-type-" + n++ + "-" + slug((String) change[1]) + "-in-" + slug((String) change[0]) + ".json", bytes(event), othersThan(event, bad));
    }
    for (String[] single : new String[][] {
        {"sns/notification.json", "/Records/0/Sns/Message", "{\"M\": 1}"},
        {"sns/notification.json", "/Records/0/Sns/MessageId", "12"},
        {"sns/notification.json", "/Records/0/Sns/MessageAttributes", "\"x\""},
        {"eventbridge/custom.json", "/id", "12"},
        {"eventbridge/custom.json", "/time", "\"not a time\""},
        {"stepfunctions/task-with-token.json", "/executionId", "null"},
        {"stepfunctions/task-with-token.json", "/state", "7"},
        {"stepfunctions/task-with-token.json", "/mapItemIndex", "\"first\""},
        {"stepfunctions/task-without-token.json", "/state", "null"}}) {
      ObjectNode event = read(single[0]);
      set(event, single[1], JSON.readTree(single[2]));
      add("wrong-type-" + n++ + "-" + slug(single[1]) + "-in-" + slug(single[0]) + ".json", bytes(event), Set.of());
    }
  }

  /** Malformed DynamoDB attribute values in one record of a stream batch. */
  private void attributeValues() throws IOException {
    String[] values = {
      "{\"N\": \"NaN\"}", "{\"N\": \"1e99999999999\"}", "{\"N\": \"\"}", "{\"N\": 12}", "{\"S\": 12}", "{\"B\": \"%%%not base64\"}",
      "{\"BOOL\": \"true\"}", "{\"NULL\": false}", "{\"L\": {}}", "{\"M\": []}", "{\"SS\": \"a\"}", "{\"NS\": [\"x\"]}",
      "{\"BS\": [\"***\"]}", "{\"X\": \"y\"}", "{}", "{\"S\": \"a\", \"N\": \"1\"}", "\"plain\"", "null",
      "{\"L\": [{\"N\": \"bad\"}]}", "{\"M\": {\"inner\": {\"Q\": 1}}}"
    };
    for (int i = 0; i < values.length; i++) {
      ObjectNode event = read("dynamodb/product-command-changes.json");
      ((ObjectNode) event.path("Records").get(1).path("dynamodb").path("NewImage")).set("weird", JSON.readTree(values[i]));
      add("attribute-value-" + i + ".json", bytes(event), othersThan(event, 1));
    }
  }

  /** Identifiers and keys that try to reach SQL or paths: rejected or carried as plain, bound values. */
  private void hostileIdentifiers() throws IOException {
    String[] hostile = {
      "product'; DROP TABLE product;--", "\"product\"", "product/../../etc/passwd", "product\u0000", "PRODUCT#acme' OR '1'='1",
      "${jndi:ldap://127.0.0.1/a}", "<script>alert(1)</script>", "%00%2e%2e%2f", "\u202Egnp.exe"
    };
    int n = 0;
    for (String value : hostile) {
      ObjectNode stream = read("dynamodb/product-command-changes.json");
      ObjectNode record = (ObjectNode) stream.path("Records").get(1);
      record.put("eventSourceARN", "arn:aws:dynamodb:ap-northeast-1:123456789012:table/" + value + "/stream/2026");
      // A table name from an event is a value (the suite's SQL identifiers come from configuration): processed.
      add("hostile-table-" + n + ".json", bytes(stream), othersThan(stream, -1));

      ObjectNode s3 = read("s3/object-created-batch.json");
      ((ObjectNode) s3.path("Records").get(1).path("s3").path("object")).put("key", value.replace("%", "%25") + "%");
      add("hostile-s3-key-" + n + ".json", bytes(s3), othersThan(s3, 1));
      n++;
    }
  }

  private void huge() throws IOException {
    ObjectNode sqs = read("sqs/standard-batch.json");
    ((ObjectNode) sqs.path("Records").get(1)).put("body", "{\"type\":\"ORDER_CREATED\",\"pad\":\"" + "x".repeat(300_000) + "\"");
    add("huge-truncated-sqs-body.json", bytes(sqs), othersThan(sqs, 1));

    ObjectNode deep = read("dynamodb/product-command-changes.json");
    JsonNode nested = JSON.createObjectNode().put("N", "oops");
    for (int i = 0; i < 400; i++) {
      ObjectNode wrapper = JSON.createObjectNode();
      wrapper.putObject("M").set("m", nested);
      nested = wrapper;
    }
    ((ObjectNode) deep.path("Records").get(1).path("dynamodb").path("NewImage")).set("deep", nested);
    add("huge-deeply-nested-bad-attribute.json", bytes(deep), othersThan(deep, 1));

    ObjectNode wide = read("dynamodb/product-command-changes.json");
    ObjectNode image = (ObjectNode) wide.path("Records").get(1).path("dynamodb").path("NewImage");
    for (int i = 0; i < 5_000; i++) {
      image.set("attr" + i, JSON.createObjectNode().put("N", "x" + i));
    }
    add("huge-wide-bad-image.json", bytes(wide), othersThan(wide, 1));
  }

  private void encodings() throws IOException {
    byte[] good = Files.readAllBytes(events.resolve("sqs/standard-batch.json"));
    byte[][] broken = {
      {(byte) 0xC3, (byte) 0x28}, {(byte) 0xFF, (byte) 0xFE, 0x7B, 0x7D}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {0x7B, 0x22, (byte) 0xC0, (byte) 0xAF, 0x22, 0x3A, 0x31, 0x7D}
    };
    for (int i = 0; i < broken.length; i++) {
      add("invalid-utf8-" + i + ".json", broken[i], Set.of());
    }
    byte[] spliced = good.clone();
    int at = new String(good, StandardCharsets.UTF_8).indexOf("ORDER_CREATED");
    spliced[at] = (byte) 0xFF;
    add("invalid-utf8-inside-sqs-batch.json", spliced, Set.of());
  }

  // ---- helpers -----------------------------------------------------------------------------------------------

  private List<String> samples() throws IOException {
    try (Stream<Path> walk = Files.walk(events)) {
      return walk.filter(p -> p.toString().endsWith(".json"))
          .map(p -> events.relativize(p).toString().replace('\\', '/'))
          .filter(p -> !p.startsWith("bad/"))
          .sorted()
          .toList();
    }
  }

  private ObjectNode read(String sample) throws IOException {
    return (ObjectNode) JSON.readTree(events.resolve(sample).toFile());
  }

  private static Set<Integer> othersThan(JsonNode event, int bad) {
    Set<Integer> good = new TreeSet<>();
    for (int i = 0; i < event.path("Records").size(); i++) {
      if (i != bad) {
        good.add(i);
      }
    }
    return good;
  }

  private static void remove(JsonNode root, String pointer) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = slash == 0 ? root : root.at(pointer.substring(0, slash));
    ((ObjectNode) parent).remove(pointer.substring(slash + 1));
  }

  private static void set(JsonNode root, String pointer, JsonNode value) {
    int slash = pointer.lastIndexOf('/');
    JsonNode parent = slash == 0 ? root : root.at(pointer.substring(0, slash));
    ((ObjectNode) parent).set(pointer.substring(slash + 1), value);
  }

  private void add(String name, byte[] content, Set<Integer> good) {
    cases.add(new Case(name, content, new TreeSet<>(good)));
  }

  private static byte[] bytes(JsonNode node) throws IOException {
    return JSON.writeValueAsBytes(node);
  }

  private static String slug(String text) {
    return text.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

}
