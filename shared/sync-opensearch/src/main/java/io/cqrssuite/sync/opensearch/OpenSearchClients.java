package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.aws.AwsSdk2Transport;
import org.opensearch.client.transport.aws.AwsSdk2TransportOptions;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * Builds the OpenSearch client from {@link OpenSearchSettings}: SigV4-signed through the AWS SDK's URL-connection
 * HTTP client for Amazon OpenSearch Service (the same light client the other SDK clients use, credentials from the
 * Lambda's role), or plain HTTP through httpclient5 for a local node. JSON goes through Jackson, without module
 * scanning. Build one client per container and close it with {@code client._transport().close()}.
 */
public final class OpenSearchClients {
  /** The defaults of opensearch-java's httpclient5 transport builder, kept when the pool is our own. */
  private static final int MAX_CONNECTIONS_PER_ROUTE = 10;
  private static final int MAX_CONNECTIONS = 30;

  private OpenSearchClients() {}

  /** {@code region} signs SigV4 requests ({@code AwsSettings.region()}); unused for plain HTTP. */
  public static OpenSearchClient create(OpenSearchSettings settings, String region) {
    return connect(settings, region).client();
  }

  /**
   * A client and what closes its idle connections, for a function's read model. The transport is built at the first
   * request (no HTTP stack at init). Before a SnapStart snapshot the pool must hold no socket: plain HTTP pools
   * through httpclient5, whose idle connections {@code closeIdle} closes; the signed client's keep-alive sockets are
   * the JDK's, opened only by a request, and none exists before the first invocation.
   */
  public static Connected connect(OpenSearchSettings settings, String region) {
    // Exact decimals both ways: images carry DynamoDB numbers as BigDecimal (a cost basis of 30 digits survives).
    JacksonJsonpMapper mapper =
        new JacksonJsonpMapper(new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
    TransportOnFirstUse transport = new TransportOnFirstUse(mapper, () -> build(settings, region, mapper));
    return new Connected(new OpenSearchClient(transport), transport::closeIdle);
  }

  private static TransportOnFirstUse.Built build(OpenSearchSettings settings, String region, JacksonJsonpMapper mapper) {
    URI endpoint = settings.endpoint();
    if (settings.signing() == OpenSearchSettings.Signing.NONE) {
      Timeout timeout = Timeout.of(settings.timeout());
      int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
      // Our own pool (the transport builder's sizes), so that its idle connections can be closed.
      PoolingAsyncClientConnectionManager pool =
          PoolingAsyncClientConnectionManagerBuilder.create()
              .setMaxConnPerRoute(MAX_CONNECTIONS_PER_ROUTE)
              .setMaxConnTotal(MAX_CONNECTIONS)
              .setDefaultConnectionConfig(
                  ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout).build())
              .build();
      OpenSearchTransport transport =
          ApacheHttpClient5TransportBuilder.builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), port))
              .setMapper(mapper)
              .setHttpClientConfigCallback(client -> client.setConnectionManager(pool))
              .setRequestConfigCallback(r -> r.setResponseTimeout(timeout))
              .build();
      return new TransportOnFirstUse.Built(transport, () -> pool.closeIdle(TimeValue.ZERO_MILLISECONDS));
    }
    SdkHttpClient http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.timeout())
            .socketTimeout(settings.timeout())
            .build();
    OpenSearchTransport transport = new AwsSdk2Transport(
        http,
        endpoint.getAuthority(),
        settings.signing().serviceName(),
        Region.of(region),
        AwsSdk2TransportOptions.builder().setMapper(mapper).build());
    return new TransportOnFirstUse.Built(transport, () -> {});
  }

  /** The transport alone (tests wrap it to count requests). */
  static OpenSearchTransport transport(OpenSearchSettings settings, String region) {
    return connect(settings, region).client()._transport();
  }

  /** A client, and what closes the idle connections of its pool (the pool stays usable). */
  public record Connected(OpenSearchClient client, Runnable closeIdle) {}
}
