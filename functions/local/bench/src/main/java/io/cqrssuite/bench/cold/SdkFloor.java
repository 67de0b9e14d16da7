package io.cqrssuite.bench.cold;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Floor (b): floor (a) plus the DynamoDB client the function uses (URL-connection HTTP client, as every suite module
 * has it), built eagerly in the constructor, making one first call ({@code ListTables}) against the local endpoint in
 * {@code AWS_ENDPOINT_URL}: what a handler that touches AWS cannot avoid paying.
 */
public final class SdkFloor implements RequestStreamHandler {
  private final ObjectMapper json = new ObjectMapper();
  private final DynamoDbClient dynamoDb =
      DynamoDbClient.builder()
          .httpClient(UrlConnectionHttpClient.create())
          .endpointOverride(URI.create(endpoint()))
          .build();

  private static String endpoint() {
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    if (endpoint == null || endpoint.isBlank()) {
      throw new IllegalStateException("SdkFloor needs AWS_ENDPOINT_URL (the bench's local DynamoDB stand-in)");
    }
    return endpoint;
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
    JsonNode event = json.readTree(input);
    if (event == null || event.isMissingNode()) {
      throw new IOException("empty event");
    }
    dynamoDb.listTables(request -> request.limit(1));
    output.write("null".getBytes(StandardCharsets.US_ASCII));
  }
}
