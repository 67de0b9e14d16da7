package io.cqrssuite.sync.opensearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpenSearchSettingsTest {
  @Test
  void noEndpointMeansNoOpenSearchReadModel() {
    assertThat(OpenSearchSettings.fromEnvironment(Map.of())).isEmpty();
  }

  @Test
  void defaultsArePlainHttpAndFiveMebibyteBulksWithTheTemplateNamedAfterTheIndex() {
    OpenSearchSettings settings =
        OpenSearchSettings.fromEnvironment(
                Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://127.0.0.1:9200", "SUITE_OPENSEARCH_INDEX", "products"))
            .orElseThrow();

    assertThat(settings.signing()).isEqualTo(OpenSearchSettings.Signing.NONE);
    assertThat(settings.bulkLimits()).isEqualTo(new BulkLimits(1000, 5 * 1024 * 1024));
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(settings.indexNames()).isEqualTo(new IndexNames("products", "products-write", "products-v1"));
    assertThat(settings.templateResource()).isEqualTo("opensearch/products-template.json");
    assertThat(settings.tombstoneRetention()).isEqualTo(Duration.ofDays(16));
  }

  @Test
  void anEndpointWithoutAnIndexNameIsRefusedNamingTheVariable() {
    // The library ships no read model of its own: the user names theirs.
    assertThatThrownBy(() -> OpenSearchSettings.fromEnvironment(Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://x:9200")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SUITE_OPENSEARCH_INDEX is not set");
    assertThat(OpenSearchSettings.configured(Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://x:9200"))).isTrue();
    assertThat(OpenSearchSettings.configured(Map.of("SUITE_OPENSEARCH_ENDPOINT", " "))).isFalse();
  }

  @Test
  void readsWhatTheSamTemplateSets() {
    // template.yaml: SUITE_OPENSEARCH_ENDPOINT, SUITE_OPENSEARCH_SIGV4 'true', SUITE_OPENSEARCH_INDEX products.
    OpenSearchSettings settings =
        OpenSearchSettings.fromEnvironment(
                Map.of(
                    "SUITE_OPENSEARCH_ENDPOINT", "https://vpc-catalog-abc123.eu-west-1.es.amazonaws.com",
                    "SUITE_OPENSEARCH_SIGV4", "true",
                    "SUITE_OPENSEARCH_INDEX", "products",
                    "SUITE_TOMBSTONE_RETENTION_HOURS", "384"))
            .orElseThrow();

    assertThat(settings.signing()).isEqualTo(OpenSearchSettings.Signing.ES);
    assertThat(settings.indexNames()).isEqualTo(IndexNames.of("products"));
    assertThat(settings.tombstoneRetention()).isEqualTo(Duration.ofHours(384));
  }

  @Test
  void sigV4SignsForAManagedDomainOrAServerlessCollection() {
    Map<String, String> env =
        Map.of(
            "SUITE_OPENSEARCH_ENDPOINT", "https://search-x.eu-west-1.es.amazonaws.com",
            "SUITE_OPENSEARCH_SIGV4", "true",
            "SUITE_OPENSEARCH_BULK_MAX_BYTES", "10485760",
            "SUITE_OPENSEARCH_INDEX", "catalog");
    OpenSearchSettings settings = OpenSearchSettings.fromEnvironment(env).orElseThrow();

    assertThat(settings.signing().serviceName()).isEqualTo("es");
    assertThat(settings.bulkLimits().maxBytes()).isEqualTo(10_485_760);
    assertThat(settings.indexNames()).isEqualTo(new IndexNames("catalog", "catalog-write", "catalog-v1"));
    Map<String, String> serverless = new java.util.HashMap<>(env);
    serverless.put("SUITE_OPENSEARCH_SIGV4_SERVICE", "aoss");
    assertThat(OpenSearchSettings.fromEnvironment(serverless).orElseThrow().signing().serviceName()).isEqualTo("aoss");
  }

  @Test
  void badValuesNameTheVariable() {
    assertThatThrownBy(() -> OpenSearchSettings.fromEnvironment(Map.of("SUITE_OPENSEARCH_ENDPOINT", "search-x:9200", "SUITE_OPENSEARCH_INDEX", "p")))
        .hasMessageContaining("SUITE_OPENSEARCH_ENDPOINT");
    assertThatThrownBy(
            () ->
                OpenSearchSettings.fromEnvironment(
                    Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://x:9200", "SUITE_OPENSEARCH_INDEX", "p", "SUITE_OPENSEARCH_SIGV4", "true")))
        .hasMessageContaining("https");
    assertThatThrownBy(
            () ->
                OpenSearchSettings.fromEnvironment(
                    Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://x:9200", "SUITE_OPENSEARCH_INDEX", "p", "SUITE_OPENSEARCH_BULK_MAX_DOCS", "0")))
        .hasMessageContaining("SUITE_OPENSEARCH_BULK_MAX_DOCS");
    assertThatThrownBy(
            () ->
                OpenSearchSettings.fromEnvironment(
                    Map.of("SUITE_OPENSEARCH_ENDPOINT", "http://x:9200", "SUITE_OPENSEARCH_INDEX", "p", "SUITE_OPENSEARCH_SIGV4", "yes")))
        .hasMessageContaining("SUITE_OPENSEARCH_SIGV4");
  }

  @Test
  void indexNamesFollowOpenSearchRulesAndTheTemplatePattern() {
    assertThatThrownBy(() -> IndexNames.of("Products")).hasMessageContaining("lowercase");
    assertThatThrownBy(() -> new IndexNames("products", "products", "products-v1")).hasMessageContaining("differ");
    assertThatThrownBy(() -> new IndexNames("products", "products-write", "catalog-v1"))
        .hasMessageContaining("products-v<N>");
    assertThat(IndexNames.of("products").concreteIndex("products-v2")).isEqualTo("products-v2");
  }
}
