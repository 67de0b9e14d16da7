package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import org.apache.hc.core5.http.HttpHost;
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
  private OpenSearchClients() {}

  /** {@code region} signs SigV4 requests ({@code AwsSettings.region()}); unused for plain HTTP. */
  public static OpenSearchClient create(OpenSearchSettings settings, String region) {
    return new OpenSearchClient(transport(settings, region));
  }

  static OpenSearchTransport transport(OpenSearchSettings settings, String region) {
    // Exact decimals both ways: images carry DynamoDB numbers as BigDecimal (a cost basis of 30 digits survives).
    JacksonJsonpMapper mapper =
        new JacksonJsonpMapper(new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS));
    URI endpoint = settings.endpoint();
    if (settings.signing() == OpenSearchSettings.Signing.NONE) {
      Timeout timeout = Timeout.of(settings.timeout());
      int port = endpoint.getPort() > 0 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
      return ApacheHttpClient5TransportBuilder.builder(new HttpHost(endpoint.getScheme(), endpoint.getHost(), port))
          .setMapper(mapper)
          .setConnectionConfigCallback(c -> c.setConnectTimeout(timeout).setSocketTimeout(timeout))
          .setRequestConfigCallback(r -> r.setResponseTimeout(timeout))
          .build();
    }
    SdkHttpClient http =
        UrlConnectionHttpClient.builder()
            .connectionTimeout(settings.timeout())
            .socketTimeout(settings.timeout())
            .build();
    return new AwsSdk2Transport(
        http,
        endpoint.getAuthority(),
        settings.signing().serviceName(),
        Region.of(region),
        AwsSdk2TransportOptions.builder().setMapper(mapper).build());
  }
}
