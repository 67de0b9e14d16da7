package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;

/**
 * Plain JSON requests through the client's generic API, for the few endpoints whose answers the typed client models
 * loosely (a task's status, an index's {@code _meta}): Jackson reads what OpenSearch sent, field by field.
 */
final class JsonCalls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenSearchClient client;

  JsonCalls(OpenSearchClient client) {
    this.client = client;
  }

  /** The answer's JSON; an HTTP status of 300 or more fails with the status and OpenSearch's own words. */
  JsonNode call(String method, String endpoint, JsonNode body) throws IOException {
    Requests.JsonBodyBuilder request = Requests.builder().method(method).endpoint(endpoint);
    if (body != null) {
      request.body(Body.from(JSON.writeValueAsBytes(body), "application/json"));
    }
    try (Response response = client.generic().execute(request.build())) {
      String text = response.getBody().map(Body::bodyAsString).orElse("");
      if (response.getStatus() >= 300) {
        throw new StatusException(method, endpoint, response.getStatus(), text);
      }
      return text.isEmpty() ? MissingNode.getInstance() : JSON.readTree(text);
    }
  }

  /** A request OpenSearch answered with an error status. */
  static final class StatusException extends IOException {
    private final int status;

    StatusException(String method, String endpoint, int status, String body) {
      super(method + " " + endpoint + " failed with HTTP " + status + ": " + body);
      this.status = status;
    }

    int status() {
      return status;
    }
  }
}
