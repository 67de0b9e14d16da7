package io.cqrssuite.aws;

import io.cqrssuite.config.SettingsReader;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Where and how the suite's AWS clients connect, read once from the environment:
 *
 * <ul>
 *   <li>{@code AWS_REGION} (Lambda sets it; default {@code us-east-1} for local runs);
 *   <li>{@code AWS_ENDPOINT_URL_<SERVICE>} ({@code SFN}, {@code SQS}, {@code SNS}, {@code S3},
 *       {@code DYNAMODB}, {@code SECRETSMANAGER}, {@code CLOUDFORMATION}), else {@code AWS_ENDPOINT_URL}: an endpoint override for
 *       LocalStack or a local wire-protocol server; unset on AWS;
 *   <li>{@code SUITE_AWS_MAX_ATTEMPTS} (default 3): the SDK's own attempts per call, set explicitly so that the
 *       SDK's retries and the suite's retry policy do not multiply unnoticed;
 *   <li>{@code SUITE_AWS_CALL_TIMEOUT_MS} (default 10000): a bound on one call, retries included.
 * </ul>
 */
public record AwsSettings(
    String region, Map<String, URI> endpoints, URI defaultEndpoint, int maxAttempts, Duration callTimeout) {

  public static AwsSettings fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    String region = env.getOrDefault("AWS_REGION", env.getOrDefault("AWS_DEFAULT_REGION", "us-east-1"));
    Map<String, URI> endpoints = new java.util.HashMap<>();
    for (String service : new String[] {"SFN", "SQS", "SNS", "S3", "DYNAMODB", "SECRETSMANAGER", "CLOUDFORMATION"}) {
      String value = env.get("AWS_ENDPOINT_URL_" + service);
      if (value != null && !value.isBlank()) {
        endpoints.put(service, uri("AWS_ENDPOINT_URL_" + service, value));
      }
    }
    String fallback = env.get("AWS_ENDPOINT_URL");
    return new AwsSettings(
        region,
        Map.copyOf(endpoints),
        fallback == null || fallback.isBlank() ? null : uri("AWS_ENDPOINT_URL", fallback),
        settings.positiveInt("SUITE_AWS_MAX_ATTEMPTS", 3),
        Duration.ofMillis(settings.positiveInt("SUITE_AWS_CALL_TIMEOUT_MS", 10_000)));
  }

  /** The override for a service ({@code "SFN"}, ...), or {@code null} for the AWS default endpoint. */
  public URI endpointFor(String service) {
    return endpoints.getOrDefault(service.toUpperCase(Locale.ROOT), defaultEndpoint);
  }

  private static URI uri(String name, String value) {
    try {
      URI uri = URI.create(value.trim());
      if (uri.getScheme() == null || uri.getHost() == null) {
        throw new IllegalArgumentException("no scheme or host");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + " must be an absolute URL such as http://127.0.0.1:4566, found '" + value + "'", e);
    }
  }
}
