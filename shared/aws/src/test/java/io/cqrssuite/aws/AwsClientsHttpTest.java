package io.cqrssuite.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpService;
import software.amazon.awssdk.http.async.SdkAsyncHttpService;

/**
 * The SDK's HTTP client is the URL-connection one and nothing else: the service modules pull the Apache 5 client
 * at runtime unless excluded, and an SDK client built without {@code httpClient(...)} would then pick whichever
 * the classpath offers (or refuse to pick between two).
 */
class AwsClientsHttpTest {
  @Test
  void theUrlConnectionClientIsTheOnlySdkHttpClientOnTheClasspath() {
    List<String> sync =
        ServiceLoader.load(SdkHttpService.class).stream().map(p -> p.type().getName()).toList();
    List<String> async =
        ServiceLoader.load(SdkAsyncHttpService.class).stream().map(p -> p.type().getName()).toList();

    assertThat(sync).containsExactly("software.amazon.awssdk.http.urlconnection.UrlConnectionSdkHttpService");
    assertThat(async).as("Netty or CRT async clients").isEmpty();
  }
}
