package io.cqrssuite.sync.opensearch;

import io.cqrssuite.aws.internal.OnFirstUse;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.transport.Endpoint;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.TransportOptions;

/**
 * An OpenSearch transport built at the first request. Either transport builds its HTTP stack when constructed
 * (httpclient5's connection pool, I/O reactor and TLS strategy; or the SDK's URL-connection client and its TLS
 * context): about 1,300 classes that a cold start writing no document should not load. The mapper is the one the
 * transport will get, so asking for it builds nothing.
 */
final class TransportOnFirstUse implements OpenSearchTransport {
  /** A built transport and what closes its idle pooled connections. */
  record Built(OpenSearchTransport transport, Runnable closeIdle) {}

  private final JsonpMapper mapper;
  private final OnFirstUse<Built> built;
  private volatile boolean started;

  TransportOnFirstUse(JsonpMapper mapper, Supplier<Built> factory) {
    this.mapper = mapper;
    this.built = new OnFirstUse<>(() -> {
      Built transport = factory.get();
      started = true;
      return transport;
    });
  }

  @Override
  public <RequestT, ResponseT, ErrorT> ResponseT performRequest(
      RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) throws IOException {
    return built.get().transport().performRequest(request, endpoint, options);
  }

  @Override
  public <RequestT, ResponseT, ErrorT> CompletableFuture<ResponseT> performRequestAsync(
      RequestT request, Endpoint<RequestT, ResponseT, ErrorT> endpoint, TransportOptions options) {
    return built.get().transport().performRequestAsync(request, endpoint, options);
  }

  @Override
  public JsonpMapper jsonpMapper() {
    return mapper;
  }

  @Override
  public TransportOptions options() {
    return built.get().transport().options();
  }

  /** Closes the idle pooled connections of a transport that was built; one never built holds none. */
  void closeIdle() {
    if (started) {
      built.get().closeIdle().run();
    }
  }

  @Override
  public void close() throws IOException {
    // Closing must not build what was never used.
    if (started) {
      built.get().transport().close();
    }
  }
}
