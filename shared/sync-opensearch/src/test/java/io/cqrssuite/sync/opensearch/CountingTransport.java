package io.cqrssuite.sync.opensearch;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.opensearch._types.ErrorResponse;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;

/**
 * Passes every request on, remembers every path and the {@code _bulk} requests (path, query parameters, operations), so tests can
 * count them. It can also play a domain with a small HTTP payload limit: a {@code _bulk} request with more
 * operations than {@code maxOperations} is refused with a 413, as Amazon OpenSearch Service refuses one too large.
 */
final class CountingTransport implements OpenSearchTransport {
  /** One {@code _bulk} request as it went out. */
  record BulkCall(String path, Map<String, String> parameters, int operations) {}

  private final OpenSearchTransport delegate;
  private final int maxOperations;
  private final List<BulkCall> bulkCalls = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();

  CountingTransport(OpenSearchTransport delegate) {
    this(delegate, Integer.MAX_VALUE);
  }

  CountingTransport(OpenSearchTransport delegate, int maxOperations) {
    this.delegate = delegate;
    this.maxOperations = maxOperations;
  }

  List<BulkCall> bulkCalls() {
    return List.copyOf(bulkCalls);
  }

  /** The path of every request, in order. */
  List<String> paths() {
    return List.copyOf(paths);
  }

  @Override
  public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
      RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) throws IOException {
    String path = endpoint.requestUrl(request);
    paths.add(path);
    if (request instanceof BulkRequest) {
      int operations = ((BulkRequest) request).operations().size();
      bulkCalls.add(new BulkCall(path, Map.copyOf(endpoint.queryParameters(request)), operations));
      if (operations > maxOperations) {
        throw new OpenSearchException(
            ErrorResponse.of(
                e -> e.status(413).error(c -> c.type("http_exception").reason("Request Entity Too Large"))));
      }
    }
    return delegate.performRequest(request, endpoint, options);
  }

  @Override
  public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
      RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
    return delegate.performRequestAsync(request, endpoint, options);
  }

  @Override
  public JsonpMapper jsonpMapper() {
    return delegate.jsonpMapper();
  }

  @Override
  public TransportOptions options() {
    return delegate.options();
  }

  @Override
  public void close() throws IOException {
    delegate.close();
  }
}
