package io.cqrssuite.testing.aws;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * A local stand-in for the DynamoDB Streams API, never on the production path: an HTTP server speaking its JSON 1.0
 * wire protocol ({@code X-Amz-Target: DynamoDBStreams_20120810.GetShardIterator}, {@code GetRecords},
 * {@code DescribeStream}; errors as {@code __type} documents) over in-memory shards, so the real AWS SDK
 * {@code DynamoDbStreamsClient} (with {@code endpointOverride(endpoint())}) reads records back as it would from AWS.
 *
 * <p>Shards are filled with records in the shape Lambda delivers them ({@code StreamDeliveries}' JSON); the server
 * answers in the API's shape ({@code userIdentity} as {@code Type}/{@code PrincipalId}, no {@code eventSourceARN}).
 * {@link #trimBefore} drops old records as the 24 h retention does: reading them then fails with
 * {@code TrimmedDataAccessException}, as on AWS. Shard iterators never expire here.
 */
public final class StreamsApiHarness implements AutoCloseable {
  static final String TARGET_PREFIX = "DynamoDBStreams_20120810.";
  private static final String ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";
  private static final int MAX_LIMIT = 1000;

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor;
  /** Stream ARN, then shard id: guarded by {@code this}. */
  private final Map<String, Map<String, Shard>> streams = new LinkedHashMap<>();

  private static final class Shard {
    final NavigableMap<BigInteger, ObjectNode> records = new TreeMap<>();
    BigInteger trimHorizon = BigInteger.ZERO;
    boolean closed;
  }

  private StreamsApiHarness(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts the server on a free loopback port. */
  public static StreamsApiHarness start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread thread = new Thread(r, "streams-api-harness");
        thread.setDaemon(true);
        return thread;
      });
      StreamsApiHarness harness = new StreamsApiHarness(server, executor);
      server.createContext("/", harness::exchange);
      server.setExecutor(executor);
      server.start();
      return harness;
    } catch (IOException e) {
      throw new IllegalStateException("the Streams API harness could not listen on a loopback port", e);
    }
  }

  /** The URL to give the SDK client's {@code endpointOverride}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** A client of this harness with dummy credentials, as a test or a local run reads it. */
  public DynamoDbStreamsClient client() {
    return DynamoDbStreamsClient.builder()
        .region(Region.US_EAST_1)
        .endpointOverride(endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(UrlConnectionHttpClient.create())
        .build();
  }

  /**
   * Appends Lambda-shaped records to a shard (created on first use); each needs a {@code dynamodb.SequenceNumber}
   * greater than every one the shard held so far.
   */
  public synchronized void append(String shardId, String streamArn, List<ObjectNode> records) {
    Shard shard = streams.computeIfAbsent(streamArn, arn -> new LinkedHashMap<>()).computeIfAbsent(shardId, id -> new Shard());
    if (shard.closed) {
      throw new IllegalStateException("shard " + shardId + " is closed");
    }
    for (ObjectNode record : records) {
      JsonNode sequence = record.path("dynamodb").path("SequenceNumber");
      if (!sequence.isTextual()) {
        throw new IllegalArgumentException("a stream record needs dynamodb.SequenceNumber: " + record.path("eventID"));
      }
      BigInteger number = new BigInteger(sequence.textValue());
      BigInteger newest = shard.records.isEmpty() ? shard.trimHorizon.subtract(BigInteger.ONE) : shard.records.lastKey();
      if (number.compareTo(newest) <= 0) {
        throw new IllegalArgumentException(
            "sequence number " + number + " is not after the shard's newest " + newest + ": a shard only grows at its end");
      }
      shard.records.put(number, wireRecord(record));
    }
  }

  /**
   * Drops every record, of every shard, whose sequence number is below {@code sequenceNumber}, as the stream's
   * retention does; reading from before it then fails with {@code TrimmedDataAccessException}.
   */
  public synchronized void trimBefore(String sequenceNumber) {
    BigInteger horizon = new BigInteger(sequenceNumber);
    for (Map<String, Shard> shards : streams.values()) {
      for (Shard shard : shards.values()) {
        shard.records.headMap(horizon, false).clear();
        if (horizon.compareTo(shard.trimHorizon) > 0) {
          shard.trimHorizon = horizon;
        }
      }
    }
  }

  /** Closes a shard, as a split does: its records stay readable, and reading past the last one ends the iteration. */
  public synchronized void closeShard(String streamArn, String shardId) {
    shard(streamArn, shardId).closed = true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  // ---- the wire protocol ------------------------------------------------------------------------------------

  private void exchange(HttpExchange exchange) throws IOException {
    try (exchange) {
      int status = 200;
      ObjectNode response;
      try {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        JsonNode request = json.readTree(exchange.getRequestBody().readAllBytes());
        response = answer(target == null ? "" : target, request == null || request.isMissingNode() ? json.createObjectNode() : request);
      } catch (ApiError e) {
        status = 400;
        response = json.createObjectNode().put("__type", ERROR_PREFIX + e.type).put("message", e.getMessage());
      } catch (RuntimeException e) {
        status = 500;
        response = json.createObjectNode().put("__type", ERROR_PREFIX + "InternalServerError").put("message", String.valueOf(e));
      }
      byte[] body = json.writeValueAsBytes(response);
      CRC32 crc = new CRC32();
      crc.update(body);
      exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.0");
      exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
      exchange.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private synchronized ObjectNode answer(String target, JsonNode request) {
    return switch (target) {
      case TARGET_PREFIX + "GetShardIterator" -> getShardIterator(request);
      case TARGET_PREFIX + "GetRecords" -> getRecords(request);
      case TARGET_PREFIX + "DescribeStream" -> describeStream(request);
      default -> throw new ApiError("UnknownOperationException", "the harness does not implement '" + target + "'");
    };
  }

  private ObjectNode getShardIterator(JsonNode request) {
    String arn = required(request, "StreamArn");
    String shardId = required(request, "ShardId");
    String type = required(request, "ShardIteratorType");
    Shard shard = shard(arn, shardId);
    BigInteger position =
        switch (type) {
          case "TRIM_HORIZON" -> shard.trimHorizon;
          case "LATEST" -> shard.records.isEmpty() ? shard.trimHorizon : shard.records.lastKey().add(BigInteger.ONE);
          case "AT_SEQUENCE_NUMBER" -> sequence(request);
          case "AFTER_SEQUENCE_NUMBER" -> sequence(request).add(BigInteger.ONE);
          default -> throw new ApiError("ValidationException", "unknown ShardIteratorType " + type);
        };
    if (position.compareTo(shard.trimHorizon) < 0) {
      throw trimmed(shardId, position, shard);
    }
    return json.createObjectNode().put("ShardIterator", iterator(arn, shardId, position));
  }

  private ObjectNode getRecords(JsonNode request) {
    String[] parts;
    try {
      parts = new String(Base64.getUrlDecoder().decode(required(request, "ShardIterator")), StandardCharsets.UTF_8).split("\n");
    } catch (IllegalArgumentException e) {
      throw new ApiError("ValidationException", "not a shard iterator of this harness");
    }
    if (parts.length != 3) {
      throw new ApiError("ValidationException", "not a shard iterator of this harness");
    }
    Shard shard = shard(parts[0], parts[1]);
    BigInteger position = new BigInteger(parts[2]);
    if (position.compareTo(shard.trimHorizon) < 0) {
      throw trimmed(parts[1], position, shard);
    }
    int limit = request.path("Limit").asInt(MAX_LIMIT);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ApiError("ValidationException", "Limit must be between 1 and " + MAX_LIMIT);
    }
    ObjectNode response = json.createObjectNode();
    ArrayNode records = response.putArray("Records");
    BigInteger next = position;
    for (Map.Entry<BigInteger, ObjectNode> entry : shard.records.tailMap(position, true).entrySet()) {
      if (records.size() == limit) {
        break;
      }
      records.add(entry.getValue());
      next = entry.getKey().add(BigInteger.ONE);
    }
    boolean exhausted = shard.records.tailMap(next, true).isEmpty();
    if (!(shard.closed && exhausted)) {
      response.put("NextShardIterator", iterator(parts[0], parts[1], next));
    }
    return response;
  }

  private ObjectNode describeStream(JsonNode request) {
    String arn = required(request, "StreamArn");
    Map<String, Shard> shards = streams.get(arn);
    if (shards == null) {
      throw new ApiError("ResourceNotFoundException", "Requested resource not found: Stream: " + arn + " not found");
    }
    ObjectNode response = json.createObjectNode();
    ObjectNode description = response.putObject("StreamDescription");
    description.put("StreamArn", arn);
    int label = arn.indexOf("/stream/");
    description.put("StreamLabel", label < 0 ? "" : arn.substring(label + "/stream/".length()));
    description.put("StreamStatus", "ENABLED");
    description.put("StreamViewType", "NEW_AND_OLD_IMAGES");
    int table = arn.indexOf(":table/");
    description.put("TableName", table < 0 || label < 0 ? "" : arn.substring(table + ":table/".length(), label));
    List<String> keys = new ArrayList<>();
    shards.values().stream()
        .flatMap(s -> s.records.values().stream())
        .findFirst()
        .ifPresent(r -> r.path("dynamodb").path("Keys").fieldNames().forEachRemaining(keys::add));
    ArrayNode schema = description.putArray("KeySchema");
    for (int i = 0; i < keys.size(); i++) {
      schema.addObject().put("AttributeName", keys.get(i)).put("KeyType", i == 0 ? "HASH" : "RANGE");
    }
    ArrayNode list = description.putArray("Shards");
    shards.forEach((shardId, shard) -> {
      ObjectNode entry = list.addObject().put("ShardId", shardId);
      ObjectNode range = entry.putObject("SequenceNumberRange");
      range.put("StartingSequenceNumber", (shard.records.isEmpty() ? shard.trimHorizon : shard.records.firstKey()).toString());
      if (shard.closed && !shard.records.isEmpty()) {
        range.put("EndingSequenceNumber", shard.records.lastKey().toString());
      }
    });
    return response;
  }

  // ---- helpers ----------------------------------------------------------------------------------------------

  /** Lambda's record shape to the API's: no {@code eventSourceARN}, {@code userIdentity} members capitalised. */
  private ObjectNode wireRecord(ObjectNode lambda) {
    ObjectNode wire = lambda.deepCopy();
    wire.remove("eventSourceARN");
    JsonNode identity = wire.remove("userIdentity");
    if (identity != null && identity.isObject()) {
      ObjectNode api = wire.putObject("userIdentity");
      if (identity.has("type")) {
        api.set("Type", identity.get("type"));
      }
      if (identity.has("principalId")) {
        api.set("PrincipalId", identity.get("principalId"));
      }
    }
    return wire;
  }

  private Shard shard(String arn, String shardId) {
    Map<String, Shard> shards = streams.get(arn);
    Shard shard = shards == null ? null : shards.get(shardId);
    if (shard == null) {
      throw new ApiError("ResourceNotFoundException", "Requested resource not found: Shard does not exist: " + shardId + " of " + arn);
    }
    return shard;
  }

  private static String iterator(String arn, String shardId, BigInteger position) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((arn + "\n" + shardId + "\n" + position).getBytes(StandardCharsets.UTF_8));
  }

  private static ApiError trimmed(String shardId, BigInteger position, Shard shard) {
    return new ApiError(
        "TrimmedDataAccessException",
        "The operation attempted to read past the oldest stream record in a shard: " + position + " is before the trim horizon "
            + shard.trimHorizon + " of " + shardId);
  }

  private static BigInteger sequence(JsonNode request) {
    String value = required(request, "SequenceNumber");
    try {
      return new BigInteger(value);
    } catch (NumberFormatException e) {
      throw new ApiError("ValidationException", "SequenceNumber must be decimal digits, found " + value);
    }
  }

  private static String required(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || !value.isTextual()) {
      throw new ApiError("ValidationException", "1 validation error detected: Value null at '" + field + "' failed to satisfy constraint: Member must not be null");
    }
    return value.textValue();
  }

  /** An error the API answers with HTTP 400 and {@code __type}. */
  private static final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final String type;

    ApiError(String type, String message) {
      super(message);
      this.type = type;
    }
  }
}
