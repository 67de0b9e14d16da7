package io.cqrssuite.deploy;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Delivers a {@link CustomResourceResponse} to CloudFormation: a {@code PUT} of its JSON to the request's pre-signed
 * S3 URL, with an empty {@code Content-Type} (the URL is signed without one, so any other value breaks the
 * signature), through the JDK's HTTP client. A network failure or a server error is tried again, a few times with
 * a short pause; a refusal (4xx: an expired or altered URL) is not.
 */
final class CloudFormationResponder {
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int maxAttempts;
  private final Duration pause;

  public CloudFormationResponder(HttpClient http, Duration requestTimeout, int maxAttempts, Duration pause) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, found " + maxAttempts);
    }
    this.http = http;
    this.requestTimeout = requestTimeout;
    this.maxAttempts = maxAttempts;
    this.pause = pause;
  }

  /** HTTP/1.1 (S3 speaks no HTTP/2), 5 s to connect, 10 s per request, 3 attempts 1 s apart: under 40 s in all. */
  public static CloudFormationResponder create() {
    HttpClient http =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    return new CloudFormationResponder(http, Duration.ofSeconds(10), 3, Duration.ofSeconds(1));
  }

  /**
   * PUTs {@code response} to {@code responseUrl}.
   *
   * @throws IOException when every attempt failed or the URL refused the answer; the message never carries the
   *     URL's query (its signature)
   */
  public void send(URI responseUrl, CustomResourceResponse response) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(responseUrl)
            .timeout(requestTimeout)
            .header("Content-Type", "")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(response.toJson()))
            .build();
    String where = responseUrl.getScheme() + "://" + responseUrl.getRawAuthority();
    // Tried again: a network failure or a 5xx/429 (Retryable). Not: a refusal, or an interruption.
    RetryPolicy<Void> policy =
        RetryPolicy.<Void>builder()
            .handle(Retryable.class)
            .withMaxAttempts(maxAttempts)
            .withDelay(pause.isZero() ? Duration.ofMillis(1) : pause)
            .build();
    try {
      Failsafe.with(policy).run(() -> put(request, where));
    } catch (FailsafeException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Retryable retryable) {
        throw retryable.failure;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof InterruptedException) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while answering CloudFormation at " + where, cause);
      }
      throw e;
    }
  }

  private void put(HttpRequest request, String where) throws IOException, InterruptedException, Retryable {
    int status;
    try {
      status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new Retryable(new IOException("cannot reach the CloudFormation response URL at " + where + ": " + e, e));
    }
    if (status >= 200 && status < 300) {
      return;
    }
    IOException refused = new IOException("the CloudFormation response URL at " + where + " answered HTTP " + status);
    if (status >= 500 || status == 429) {
      throw new Retryable(refused);
    }
    throw refused;
  }

  /** Marks a failure worth another attempt; carries the failure reported when attempts run out. */
  private static final class Retryable extends Exception {
    private static final long serialVersionUID = 1L;
    private final IOException failure;

    Retryable(IOException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}
