package io.cqrssuite.sync.opensearch;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the OpenSearch read model lives and how it is written, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_OPENSEARCH_ENDPOINT}: the domain's URL ({@code https://search-x.eu-west-1.es.amazonaws.com},
 *       or {@code http://127.0.0.1:9200} locally); unset means no OpenSearch read model;
 *   <li>{@code SUITE_OPENSEARCH_SIGV4} ({@code true}/{@code false}, default {@code false}): sign requests with the
 *       Lambda's IAM role (Amazon OpenSearch Service); the region is {@code AWS_REGION};
 *   <li>{@code SUITE_OPENSEARCH_SIGV4_SERVICE} ({@code es}, default, for a managed domain; {@code aoss} for a
 *       Serverless collection);
 *   <li>{@code SUITE_OPENSEARCH_BULK_MAX_DOCS} (default 1000) and {@code SUITE_OPENSEARCH_BULK_MAX_BYTES} (default
 *       5 MiB): the bounds of one {@code _bulk} request; keep the bytes under the domain's HTTP payload limit
 *       (10 MiB on the smallest instance types);
 *   <li>{@code SUITE_OPENSEARCH_TIMEOUT_MS} (default 30000): connect and response timeout of one request;
 *   <li>{@code SUITE_OPENSEARCH_INDEX} (default {@code products}): the read model's name, which is the read alias
 *       searches use; {@code SUITE_OPENSEARCH_WRITE_ALIAS} (default {@code <index>-write}) and
 *       {@code SUITE_OPENSEARCH_FIRST_INDEX} (default {@code <index>-v1}, the concrete index {@code ensure()}
 *       creates) rarely need setting: see {@link IndexNames};
 *   <li>{@code SUITE_OPENSEARCH_TEMPLATE} (default {@code opensearch/products-template.json}): the classpath
 *       resource holding the index template;
 *   <li>{@code SUITE_TOMBSTONE_RETENTION_HOURS} (default 384, 16 days): how long tombstones are kept before
 *       {@link OpenSearchIndexes#purgeTombstones} may remove them; longer than the stream's 24 h plus the dead
 *       letters' 14 days, so a replayed older upsert still meets the tombstone it must lose to.
 * </ul>
 */
public record OpenSearchSettings(
    URI endpoint,
    Signing signing,
    BulkLimits bulkLimits,
    Duration timeout,
    IndexNames indexNames,
    String templateResource,
    Duration tombstoneRetention) {

  /** How requests are authenticated. */
  public enum Signing {
    /** Plain HTTP(S) without credentials: a local node, or a domain behind a proxy that authenticates. */
    NONE,
    /** SigV4 for an Amazon OpenSearch Service domain (service name {@code es}). */
    ES,
    /** SigV4 for an Amazon OpenSearch Serverless collection (service name {@code aoss}). */
    AOSS;

    /** The SigV4 signing name. */
    public String serviceName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public OpenSearchSettings {
    if (signing != Signing.NONE && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException(
          "SUITE_OPENSEARCH_ENDPOINT must be https when requests are signed (SigV4), found " + endpoint);
    }
  }

  /** The settings, or empty when {@code SUITE_OPENSEARCH_ENDPOINT} is unset (no OpenSearch read model). */
  public static Optional<OpenSearchSettings> fromEnvironment(Map<String, String> env) {
    String endpoint = env.get("SUITE_OPENSEARCH_ENDPOINT");
    if (endpoint == null || endpoint.isBlank()) {
      return Optional.empty();
    }
    String readAlias = text(env, "SUITE_OPENSEARCH_INDEX", "products");
    IndexNames names =
        new IndexNames(
            readAlias,
            text(env, "SUITE_OPENSEARCH_WRITE_ALIAS", readAlias + "-write"),
            text(env, "SUITE_OPENSEARCH_FIRST_INDEX", readAlias + "-v1"));
    return Optional.of(
        new OpenSearchSettings(
            endpoint(endpoint),
            signing(env),
            new BulkLimits(
                (int) positive(env, "SUITE_OPENSEARCH_BULK_MAX_DOCS", BulkLimits.DEFAULT_MAX_DOCS),
                positive(env, "SUITE_OPENSEARCH_BULK_MAX_BYTES", BulkLimits.DEFAULT_MAX_BYTES)),
            Duration.ofMillis(positive(env, "SUITE_OPENSEARCH_TIMEOUT_MS", 30_000)),
            names,
            text(env, "SUITE_OPENSEARCH_TEMPLATE", "opensearch/products-template.json"),
            Duration.ofHours(positive(env, "SUITE_TOMBSTONE_RETENTION_HOURS", 384))));
  }

  private static Signing signing(Map<String, String> env) {
    String sigv4 = text(env, "SUITE_OPENSEARCH_SIGV4", "false").toLowerCase(Locale.ROOT);
    if (sigv4.equals("false")) {
      return Signing.NONE;
    }
    if (!sigv4.equals("true")) {
      throw new IllegalArgumentException("SUITE_OPENSEARCH_SIGV4 must be true or false, found '" + sigv4 + "'");
    }
    String service = text(env, "SUITE_OPENSEARCH_SIGV4_SERVICE", "es").toLowerCase(Locale.ROOT);
    switch (service) {
      case "es":
        return Signing.ES;
      case "aoss":
        return Signing.AOSS;
      default:
        throw new IllegalArgumentException(
            "SUITE_OPENSEARCH_SIGV4_SERVICE must be es (a managed domain) or aoss (Serverless), found '" + service
                + "'");
    }
  }

  private static URI endpoint(String value) {
    try {
      URI uri = URI.create(value.trim());
      if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
        throw new IllegalArgumentException("no http(s) scheme or host");
      }
      if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
        throw new IllegalArgumentException("a path is not supported");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "SUITE_OPENSEARCH_ENDPOINT must be a URL such as https://search-x.eu-west-1.es.amazonaws.com or"
              + " http://127.0.0.1:9200, found '" + value + "'",
          e);
    }
  }

  private static String text(Map<String, String> env, String name, String fallback) {
    String value = env.get(name);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  private static long positive(Map<String, String> env, String name, long fallback) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      long parsed = Long.parseLong(value.trim());
      if (parsed < 1 || parsed > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a positive integer (at most " + Integer.MAX_VALUE + "), found '" + value + "'", e);
    }
  }
}
