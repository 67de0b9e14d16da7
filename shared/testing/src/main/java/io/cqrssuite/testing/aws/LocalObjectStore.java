package io.cqrssuite.testing.aws;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicLong;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * An S3 stand-in for a local run: the path-style REST calls the import and the command side make (create bucket,
 * PutObject, GetObject with {@code Range} and {@code If-Match}, HeadObject), objects kept in memory, ETags the MD5 of
 * the content as S3 gives for a single-part upload. Chosen over S3Mock (a Spring Boot application: heavy to shade
 * into the runner jar, slow to start) and npm {@code s3rver} (another Node process, and no answer for the SDK's
 * {@code aws-chunked} uploads with trailing checksums): this one decodes {@code aws-chunked} bodies, answers 412 when
 * {@code If-Match} names an older ETag (a replaced import file) and needs nothing installed. No versioning, listing,
 * multipart or auth checks. Never on the production path.
 */
public final class LocalObjectStore implements AutoCloseable {
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);

  private record StoredObject(byte[] bytes, String eTag, Instant modified, String contentType, String sequencer) {}

  private final Set<String> buckets = ConcurrentHashMap.newKeySet();
  private final Map<String, StoredObject> objects = new ConcurrentHashMap<>();
  /**
   * S3 gives every write of a key a larger {@code sequencer} than the last (hex, compared after padding with leading
   * zeros); one counter for the store does that for every key. It starts from the clock so two stores do not repeat
   * each other's values.
   */
  private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() << 16);
  private final HttpServer server;
  private final ExecutorService workers;

  private LocalObjectStore() throws IOException {
    this.workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "local-object-store");
      t.setDaemon(true);
      return t;
    });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.setExecutor(workers);
    server.createContext("/", this::serve);
    server.start();
  }

  /** Starts serving on a free loopback port with {@code buckets} created. */
  public static LocalObjectStore start(String... buckets) throws IOException {
    LocalObjectStore store = new LocalObjectStore();
    store.buckets.addAll(Set.of(buckets));
    return store;
  }

  /** The endpoint, as {@code AWS_ENDPOINT_URL_S3} would be (path-style addressing). */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /**
   * The {@code ObjectCreated:Put} notification S3 sends for the object as stored now, as a Lambda S3 event
   * ({@code {"Records": [...]}}): its event time (the write's, to the millisecond), size, ETag and the write's
   * sequencer. A stand-in for the bucket's notification configuration, which this store does not run itself.
   *
   * @throws IllegalArgumentException when there is no such object
   */
  public ObjectNode notification(String bucket, String key) {
    StoredObject object = objects.get(bucket + "/" + key);
    if (object == null) {
      throw new IllegalArgumentException("no object s3://" + bucket + "/" + key);
    }
    JsonNodeFactory json = JsonNodeFactory.instance;
    ObjectNode event = json.objectNode();
    ObjectNode record = event.putArray("Records").addObject();
    record.put("eventVersion", "2.1");
    record.put("eventSource", "aws:s3");
    record.put("awsRegion", "us-east-1");
    record.put("eventTime", object.modified().truncatedTo(ChronoUnit.MILLIS).toString());
    record.put("eventName", "ObjectCreated:Put");
    record.putObject("userIdentity").put("principalId", "AWS:LOCALUPLOADER");
    record.putObject("requestParameters").put("sourceIPAddress", "127.0.0.1");
    record.putObject("responseElements").put("x-amz-request-id", object.sequencer().substring(2));
    ObjectNode s3 = record.putObject("s3");
    s3.put("s3SchemaVersion", "1.0");
    s3.put("configurationId", "local-notification");
    s3.putObject("bucket").put("name", bucket).put("arn", "arn:aws:s3:::" + bucket).putObject("ownerIdentity").put("principalId", "LOCAL");
    // The key as S3 puts it in notifications: URL-encoded, spaces as '+'.
    s3.putObject("object")
        .put("key", URLEncoder.encode(key, StandardCharsets.UTF_8).replace("%2F", "/"))
        .put("size", object.bytes().length)
        .put("eTag", object.eTag())
        .put("sequencer", object.sequencer());
    return event;
  }

  /** The ETag of a stored object, unquoted, or null when there is none. */
  public String eTag(String bucket, String key) {
    StoredObject object = objects.get(bucket + "/" + key);
    return object == null ? null : object.eTag();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange; InputStream body = exchange.getRequestBody()) {
      String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8).replaceFirst("^/", "");
      int slash = path.indexOf('/');
      String bucket = slash < 0 ? path : path.substring(0, slash);
      String key = slash < 0 ? "" : path.substring(slash + 1);
      String method = exchange.getRequestMethod();
      if (key.isEmpty()) {
        if ("PUT".equals(method)) {
          body.readAllBytes();
          buckets.add(bucket);
          send(exchange, 200, new byte[0], "application/xml");
        } else if ("HEAD".equals(method)) {
          send(exchange, buckets.contains(bucket) ? 200 : 404, new byte[0], "application/xml");
        } else {
          send(exchange, 501, error("NotImplemented", "only bucket create and head are served", bucket), "application/xml");
        }
        return;
      }
      if (!buckets.contains(bucket)) {
        body.readAllBytes();
        send(exchange, 404, error("NoSuchBucket", "The specified bucket does not exist", bucket), "application/xml");
        return;
      }
      switch (method) {
        case "PUT" -> put(exchange, bucket, key, body);
        case "GET", "HEAD" -> get(exchange, bucket, key, "HEAD".equals(method));
        case "DELETE" -> {
          objects.remove(bucket + "/" + key);
          send(exchange, 204, new byte[0], "application/xml");
        }
        default -> send(exchange, 501, error("NotImplemented", method + " is not served", key), "application/xml");
      }
    } catch (RuntimeException e) {
      send(exchange, 500, error("InternalError", String.valueOf(e.getMessage()), ""), "application/xml");
    }
  }

  private void put(HttpExchange exchange, String bucket, String key, InputStream body) throws IOException {
    byte[] raw = body.readAllBytes();
    String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    boolean chunked = (sha != null && sha.startsWith("STREAMING-")) || (encoding != null && encoding.contains("aws-chunked"));
    byte[] bytes = chunked ? decodeAwsChunked(raw) : raw;
    String eTag = md5(bytes);
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    String sequencer = String.format("%018X", sequence.incrementAndGet());
    objects.put(bucket + "/" + key, new StoredObject(bytes, eTag, Instant.now(), contentType == null ? "binary/octet-stream" : contentType, sequencer));
    exchange.getResponseHeaders().add("ETag", "\"" + eTag + "\"");
    send(exchange, 200, new byte[0], "application/xml");
  }

  private void get(HttpExchange exchange, String bucket, String key, boolean headOnly) throws IOException {
    StoredObject object = objects.get(bucket + "/" + key);
    if (object == null) {
      send(exchange, 404, headOnly ? new byte[0] : error("NoSuchKey", "The specified key does not exist.", key), "application/xml");
      return;
    }
    String ifMatch = exchange.getRequestHeaders().getFirst("If-Match");
    if (ifMatch != null && !unquote(ifMatch).equals(object.eTag()) && !"*".equals(ifMatch.trim())) {
      send(exchange, 412, headOnly ? new byte[0] : error("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", key), "application/xml");
      return;
    }
    exchange.getResponseHeaders().add("ETag", "\"" + object.eTag() + "\"");
    exchange.getResponseHeaders().add("Last-Modified", HTTP_DATE.format(object.modified()));
    exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
    byte[] bytes = object.bytes();
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null && range.startsWith("bytes=")) {
      String[] bounds = range.substring("bytes=".length()).split("-", 2);
      long total = bytes.length;
      long from;
      long to;
      if (bounds[0].isEmpty()) {
        from = Math.max(0, total - Long.parseLong(bounds[1]));
        to = total - 1;
      } else {
        from = Long.parseLong(bounds[0]);
        to = bounds[1].isEmpty() ? total - 1 : Math.min(total - 1, Long.parseLong(bounds[1]));
      }
      if (from >= total || from > to) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + total);
        send(exchange, 416, error("InvalidRange", "The requested range is not satisfiable", key), "application/xml");
        return;
      }
      byte[] part = Arrays.copyOfRange(bytes, (int) from, (int) to + 1);
      exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + total);
      send(exchange, 206, part, object.contentType(), headOnly);
      return;
    }
    send(exchange, 200, bytes, object.contentType(), headOnly);
  }

  /**
   * The payload of an {@code aws-chunked} body: {@code <hex size>[;chunk-signature=...]\r\n<bytes>\r\n} repeated, a
   * zero-size chunk, then trailers (a checksum) which are not checked here.
   */
  static byte[] decodeAwsChunked(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    int at = 0;
    while (at < raw.length) {
      int lineEnd = indexOfCrlf(raw, at);
      if (lineEnd < 0) {
        throw new IllegalArgumentException("aws-chunked body without a chunk header at byte " + at);
      }
      String header = new String(raw, at, lineEnd - at, StandardCharsets.US_ASCII);
      int semicolon = header.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? header : header.substring(0, semicolon)).trim(), 16);
      at = lineEnd + 2;
      if (size == 0) {
        break;
      }
      out.write(raw, at, size);
      at += size + 2;
    }
    return out.toByteArray();
  }

  private static int indexOfCrlf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static String unquote(String eTag) {
    String trimmed = eTag.trim();
    return trimmed.startsWith("\"") && trimmed.endsWith("\"") && trimmed.length() >= 2 ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
  }

  private static String md5(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has MD5", e);
    }
  }

  private static byte[] error(String code, String message, String resource) {
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + message
        + "</Message><Resource>" + resource.replace("&", "&amp;").replace("<", "&lt;") + "</Resource></Error>").getBytes(StandardCharsets.UTF_8);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String contentType) throws IOException {
    send(exchange, status, body, contentType, "HEAD".equals(exchange.getRequestMethod()));
  }

  private static void send(HttpExchange exchange, int status, byte[] body, String contentType, boolean headOnly) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("x-amz-request-id", Long.toHexString(System.nanoTime()));
    if (headOnly) {
      exchange.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      try (OutputStream response = exchange.getResponseBody()) {
        response.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    workers.shutdownNow();
  }
}
