package io.cqrssuite.sync.opensearch;

import io.cqrssuite.config.SettingsReader;
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
 *   <li>{@code SUITE_OPENSEARCH_INDEX} (required with an endpoint): the read model's name, which is the read alias
 *       searches use, e.g. {@code products}; {@code SUITE_OPENSEARCH_WRITE_ALIAS} (default {@code <index>-write}) and
 *       {@code SUITE_OPENSEARCH_FIRST_INDEX} (default {@code <index>-v1}, the concrete index {@code ensure()}
 *       creates) rarely need setting: see {@link IndexNames};
 *   <li>{@code SUITE_OPENSEARCH_TEMPLATE} (default {@code opensearch/<index>-template.json}): the classpath
 *       resource holding the index template, in the function's own resources (the library ships none);
 *   <li>{@code SUITE_TOMBSTONE_RETENTION_HOURS} (default 384, 16 days): how long tombstones are kept before
 *       {@link OpenSearchIndexes#purgeTombstones} may remove them; longer than the stream's 24 h plus the dead
 *       letters' 14 days, so a replayed older upsert still meets the tombstone it must lose to;
 *   <li>{@code SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS} (default 30): how often the sync asks whether a backfill's
 *       alias exists ({@code <index>-backfill}), to write every change through it too; a backfill waits this long
 *       (plus a margin) after adding the alias before it copies, so give the backfill the functions' value.
 * </ul>
 */
public record OpenSearchSettings(
    URI endpoint,
    Signing signing,
    BulkLimits bulkLimits,
    Duration timeout,
    IndexNames indexNames,
    String templateResource,
    Duration tombstoneRetention,
    Duration backfillCheck) {
  public static final String INDEX = "SUITE_OPENSEARCH_INDEX";

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

  /** Whether the environment configures an OpenSearch read model at all ({@code SUITE_OPENSEARCH_ENDPOINT}). */
  public static boolean configured(Map<String, String> env) {
    return new SettingsReader(env).text("SUITE_OPENSEARCH_ENDPOINT").isPresent();
  }

  /** The settings, or empty when {@code SUITE_OPENSEARCH_ENDPOINT} is unset (no OpenSearch read model). */
  public static Optional<OpenSearchSettings> fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    Optional<String> endpoint = settings.text("SUITE_OPENSEARCH_ENDPOINT");
    if (endpoint.isEmpty()) {
      return Optional.empty();
    }
    String readAlias =
        settings.text(INDEX).orElseThrow(() -> new IllegalArgumentException(
            INDEX + " is not set: name the OpenSearch read model (its read alias), e.g. products"));
    IndexNames names =
        new IndexNames(
            readAlias,
            settings.text("SUITE_OPENSEARCH_WRITE_ALIAS", readAlias + "-write"),
            settings.text("SUITE_OPENSEARCH_FIRST_INDEX", readAlias + "-v1"));
    return Optional.of(
        new OpenSearchSettings(
            endpoint(endpoint.get()),
            signing(settings),
            new BulkLimits(
                settings.positiveInt("SUITE_OPENSEARCH_BULK_MAX_DOCS", BulkLimits.DEFAULT_MAX_DOCS),
                settings.positiveLong("SUITE_OPENSEARCH_BULK_MAX_BYTES", BulkLimits.DEFAULT_MAX_BYTES)),
            Duration.ofMillis(settings.positiveInt("SUITE_OPENSEARCH_TIMEOUT_MS", 30_000)),
            names,
            settings.text("SUITE_OPENSEARCH_TEMPLATE", "opensearch/" + readAlias + "-template.json"),
            Duration.ofHours(settings.positiveLong("SUITE_TOMBSTONE_RETENTION_HOURS", 384)),
            Duration.ofSeconds(
                settings.positiveLong(
                    "SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS", OpenSearchSyncHandler.DEFAULT_BACKFILL_CHECK_SECONDS))));
  }

  private static Signing signing(SettingsReader settings) {
    if (!settings.flag("SUITE_OPENSEARCH_SIGV4", false)) {
      return Signing.NONE;
    }
    // es: a managed domain; aoss: a Serverless collection.
    return settings.choice("SUITE_OPENSEARCH_SIGV4_SERVICE", "es", "es", "aoss").equals("aoss") ? Signing.AOSS : Signing.ES;
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
}
