package io.cqrssuite.sync.opensearch;

import io.cqrssuite.aws.internal.OnFirstUse;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;

/**
 * The signed transport's HTTP client, built at the first request: the URL-connection client loads the JDK's TLS
 * stack and trust store when constructed, which a cold start that writes no document should not pay for.
 */
final class HttpClientOnFirstUse implements SdkHttpClient {
  private final OnFirstUse<SdkHttpClient> client;
  private volatile boolean built;

  HttpClientOnFirstUse(Supplier<SdkHttpClient> factory) {
    this.client = new OnFirstUse<>(() -> {
      SdkHttpClient http = factory.get();
      built = true;
      return http;
    });
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return client.get().prepareRequest(request);
  }

  @Override
  public String clientName() {
    return "UrlConnection";
  }

  @Override
  public void close() {
    // Closing must not build what was never used.
    if (built) {
      client.get().close();
    }
  }
}
