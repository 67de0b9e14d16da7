package io.cqrssuite.reliability.alarm;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SNS at the HTTP level, in this JVM: records every request the SDK sends and answers {@code Publish} as SNS does,
 * in the AWS Query protocol (form-encoded {@code Action=Publish&TopicArn=...&Subject=...&Message=...}, XML answer)
 * or, should the SDK speak it, the JSON protocol ({@code X-Amz-Target: AmazonSNS.Publish}). {@link #failWith}
 * makes it answer every request with an error status instead.
 */
final class FakeSns implements AutoCloseable {
  /** One request as received: headers (lower-case names) and body, and the Publish parameters decoded from it. */
  record Request(String method, String path, Map<String, String> headers, String body, Map<String, String> params) {
    String subject() {
      return params.get("Subject");
    }

    String message() {
      return params.get("Message");
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private volatile int failStatus;

  FakeSns() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
      String target = headers.get("x-amz-target");
      boolean json = target != null || String.valueOf(headers.get("content-type")).contains("json");
      Map<String, String> params = json ? jsonParams(body, target) : formParams(body);
      requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, body, params));
      int status;
      String answer;
      String contentType;
      if (failStatus != 0) {
        status = failStatus;
        contentType = json ? "application/x-amz-json-1.0" : "text/xml";
        answer = json
            ? "{\"__type\":\"InternalError\",\"message\":\"fake SNS failure\"}"
            : "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>fake SNS failure</Message></Error>"
                + "<RequestId>req-err</RequestId></ErrorResponse>";
      } else {
        status = 200;
        String id = "fake-" + ids.incrementAndGet();
        contentType = json ? "application/x-amz-json-1.0" : "text/xml";
        answer = json
            ? "{\"MessageId\":\"" + id + "\"}"
            : "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\"><PublishResult><MessageId>" + id
                + "</MessageId></PublishResult><ResponseMetadata><RequestId>req-" + id
                + "</RequestId></ResponseMetadata></PublishResponse>";
      }
      byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    });
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Request> requests() {
    return List.copyOf(requests);
  }

  void clear() {
    requests.clear();
  }

  void failWith(int status) {
    failStatus = status;
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private static Map<String, String> formParams(String body) {
    Map<String, String> params = new LinkedHashMap<>();
    if (body.isEmpty()) {
      return params;
    }
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  private static Map<String, String> jsonParams(String body, String target) {
    Map<String, String> params = new LinkedHashMap<>();
    try {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      node.fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
    } catch (IOException e) {
      params.put("unparsed", body);
    }
    if (target != null) {
      params.put("Action", target.substring(target.indexOf('.') + 1));
    }
    return params;
  }
}
