package io.cqrssuite.deploy;

import io.cqrssuite.logging.StructuredLog;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * Runs a custom resource's work for CloudFormation and always answers it: CloudFormation otherwise waits for an
 * answer until the resource's {@code ServiceTimeout} (an hour by default) before it can fail or roll back.
 *
 * <p>{@code Create} and {@code Update} run the {@link Action}; its data is the answer's {@code Data}. {@code Delete}
 * does nothing and succeeds: the suite's resources set up state that outlives the stack (a migrated schema is not
 * dropped, as contract §2 has no {@code down()}), and a rollback after a failed {@code Create} must be able to
 * delete what never came to be. The action runs on a thread of its own and gets the invocation's time less
 * {@code responseMargin}; one that throws or is still running then is answered {@code FAILED} with a reason, and
 * the margin is left for the answer itself.
 *
 * <p>The physical id is the one CloudFormation sent, or the logical id on {@code Create}, so an {@code Update}
 * never looks like a replacement.
 */
final class CustomResourceProvider {
  /** Time kept back for the answer: the {@link CloudFormationResponder}'s attempts take under 40 s. */
  public static final Duration DEFAULT_RESPONSE_MARGIN = Duration.ofSeconds(45);

  /** A query string after a URL (JDBC or HTTP) may hold a password or a signature: it never reaches a reason. */
  private static final Pattern URL_QUERY = Pattern.compile("((?:jdbc:[a-z0-9]+:|https?:)//[^\\s?'\"]*)\\?[^\\s'\"]*");

  /** The work of {@code Create} and {@code Update}. */
  @FunctionalInterface
  public interface Action {
    /** Does the work; returns the answer's {@code Data}. Must be safe to run again (every Update runs it). */
    Map<String, ?> apply(CustomResourceRequest request) throws Exception;
  }

  private final Action action;
  private final CloudFormationResponder responder;
  private final StructuredLog log;
  private final Duration responseMargin;

  public CustomResourceProvider(
      Action action, CloudFormationResponder responder, StructuredLog log, Duration responseMargin) {
    this.action = action;
    this.responder = responder;
    this.log = log;
    this.responseMargin = responseMargin;
  }

  /**
   * Answers {@code request}.
   *
   * @param timeLeft the invocation's remaining time
   * @return the answer sent
   * @throws IOException when the answer could not be delivered (nothing else is left to do then)
   */
  public CustomResourceResponse handle(CustomResourceRequest request, Duration timeLeft) throws IOException {
    long start = System.nanoTime();
    String physicalId =
        request.physicalResourceId() != null ? request.physicalResourceId() : request.logicalResourceId();
    CustomResourceResponse response =
        switch (request.requestType()) {
          case DELETE -> CustomResourceResponse.success(request, physicalId, Map.of());
          case CREATE, UPDATE -> run(request, physicalId, timeLeft.minus(responseMargin));
        };
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("requestType", request.requestType().name());
    fields.put("logicalResourceId", request.logicalResourceId());
    fields.put("physicalResourceId", physicalId);
    fields.put("stackId", request.stackId());
    fields.put("requestId", request.requestId());
    fields.put("status", response.status().name());
    fields.put("reason", response.reason());
    fields.put("durationMs", (System.nanoTime() - start) / 1_000_000);
    response.data().forEach((key, value) -> fields.put("data." + key, value));
    try {
      responder.send(request.responseUrl(), response);
    } catch (IOException e) {
      fields.put("error", e.getMessage());
      log.error("custom resource answer not delivered", fields);
      throw e;
    }
    if (response.status() == CustomResourceResponse.Status.SUCCESS) {
      log.info("custom resource answered", fields);
    } else {
      log.error("custom resource answered", fields);
    }
    return response;
  }

  private CustomResourceResponse run(CustomResourceRequest request, String physicalId, Duration budget) {
    if (budget.isNegative() || budget.isZero()) {
      return CustomResourceResponse.failed(
          request, physicalId, "no time left to run: the function's timeout leaves less than " + responseMargin
              + " for the work");
    }
    ExecutorService worker =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread thread = new Thread(task, "custom-resource-" + request.logicalResourceId());
              thread.setDaemon(true);
              return thread;
            });
    Future<Map<String, ?>> result = worker.submit(() -> action.apply(request));
    try {
      return CustomResourceResponse.success(request, physicalId, result.get(budget.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      result.cancel(true);
      return CustomResourceResponse.failed(
          request, physicalId, "did not finish within " + Math.round(budget.toMillis() / 1000.0) + " s (the"
              + " function's time less " + responseMargin.toSeconds() + " s to answer); is the database or domain"
              + " reachable from the function's subnets?");
    } catch (ExecutionException e) {
      return CustomResourceResponse.failed(request, physicalId, reason(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.cancel(true);
      return CustomResourceResponse.failed(request, physicalId, "interrupted before the work finished");
    } finally {
      worker.shutdownNow();
    }
  }

  /** The failure and its causes' messages on one line, without URL queries. */
  static String reason(Throwable error) {
    StringBuilder reason = new StringBuilder(error.getClass().getSimpleName());
    String last = null;
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message != null && !message.isBlank() && (last == null || !last.contains(message))) {
        reason.append(t == error ? ": " : " <- ").append(message);
        last = message;
      }
    }
    // Flyway's messages are multi-line with rules of dashes; a reason is one line.
    String line = reason.toString().replaceAll("[-=]{4,}", " ").replaceAll("\\s+", " ").trim();
    return URL_QUERY.matcher(line).replaceAll("$1?...");
  }
}
