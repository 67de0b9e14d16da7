package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Copies documents from one index to another with their external versions, as an OpenSearch task: {@code _reindex}
 * starts with {@code wait_for_completion=false} and {@code GET _tasks/<id>} is polled until it ends, so a copy of
 * millions of documents outlives no HTTP timeout and says how far it is. A newer document already in the destination
 * wins ({@code version_type=external}, conflicts counted, not failed). A task still running at the deadline is
 * cancelled, so nothing keeps writing behind the caller's back once it has given up.
 */
public final class PolledReindex {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Documents done (created, updated, conflicting) out of the total the task counted, after each poll. */
  @FunctionalInterface
  public interface Progress {
    void update(long done, long total);

    static Progress none() {
      return (done, total) -> {};
    }
  }

  /**
   * @param deadline how long the copy may run before it is cancelled
   * @param pollEvery the pause between two looks at the task
   * @param requestsPerSecond OpenSearch's throttle of the copy (documents per second), or 0 for none: a large copy on
   *     a cluster that also serves searches
   */
  public record Options(Duration deadline, Duration pollEvery, double requestsPerSecond) {
    public Options {
      if (deadline.isNegative() || deadline.isZero() || pollEvery.isNegative() || pollEvery.isZero()) {
        throw new IllegalArgumentException("the reindex deadline and poll interval must be positive");
      }
      if (requestsPerSecond < 0) {
        throw new IllegalArgumentException("requestsPerSecond must be 0 (no throttle) or more, found " + requestsPerSecond);
      }
    }

    /** One hour, a look every second, no throttle. */
    public static Options defaults() {
      return new Options(Duration.ofHours(1), Duration.ofSeconds(1), 0);
    }

    public Options within(Duration deadline) {
      return new Options(deadline, pollEvery, requestsPerSecond);
    }

    public Options throttled(double requestsPerSecond) {
      return new Options(deadline, pollEvery, requestsPerSecond);
    }
  }

  /** What the task did; {@code versionConflicts} are documents the destination already held at that version or newer. */
  public record Result(String task, long total, long created, long updated, long versionConflicts, long millis) {
    public long copied() {
      return created + updated;
    }
  }

  private final JsonCalls calls;

  public PolledReindex(org.opensearch.client.opensearch.OpenSearchClient client) {
    this.calls = new JsonCalls(client);
  }

  /**
   * Copies the documents of {@code from} that {@code query} matches (all when null) into {@code to}, refreshed at the
   * end.
   *
   * @throws IOException when the task fails (naming its first failure and how many there were) or is cancelled at
   *     the deadline (naming how far it got)
   */
  public Result copy(String from, String to, JsonNode query, Options options, Progress progress) throws IOException {
    long t0 = System.nanoTime();
    ObjectNode body = JSON.createObjectNode().put("conflicts", "proceed");
    ObjectNode source = body.putObject("source").put("index", from);
    if (query != null) {
      source.set("query", query);
    }
    body.putObject("dest").put("index", to).put("version_type", "external");
    String path = "/_reindex?wait_for_completion=false&refresh=true"
        + (options.requestsPerSecond() > 0 ? "&requests_per_second=" + options.requestsPerSecond() : "");
    String task = calls.call("POST", path, body).path("task").asText("");
    if (task.isEmpty()) {
      throw new IOException("_reindex from " + from + " to " + to + " started no task");
    }
    String what = "_reindex task " + task + " from " + from + " to " + to;
    long deadline = t0 + options.deadline().toNanos();
    while (true) {
      JsonNode state = calls.call("GET", "/_tasks/" + encode(task), null);
      JsonNode status = state.path("completed").asBoolean(false) && state.has("response")
          ? state.path("response")
          : state.path("task").path("status");
      long total = status.path("total").asLong(0);
      long done = status.path("created").asLong(0) + status.path("updated").asLong(0)
          + status.path("version_conflicts").asLong(0);
      progress.update(done, total);
      if (state.path("completed").asBoolean(false)) {
        return finished(what, task, state, t0);
      }
      if (System.nanoTime() >= deadline) {
        cancel(task);
        throw new IOException(
            what + " was still running after " + options.deadline() + " (" + done + " of " + total
                + " documents done) and was cancelled; the documents it copied stay (a rerun finds them at their"
                + " versions): allow a longer deadline, or throttle less");
      }
      try {
        Thread.sleep(Math.min(options.pollEvery().toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel(task);
        throw new IOException(what + " was cancelled: the caller was interrupted", e);
      }
    }
  }

  private static Result finished(String what, String task, JsonNode state, long t0) throws IOException {
    JsonNode error = state.path("error");
    if (!error.isMissingNode()) {
      throw new IOException(what + " failed: " + error.path("type").asText() + ": " + error.path("reason").asText());
    }
    JsonNode response = state.path("response");
    JsonNode failures = response.path("failures");
    if (failures.isArray() && !failures.isEmpty()) {
      JsonNode first = failures.get(0);
      JsonNode cause = first.path("cause");
      throw new IOException(
          what + " failed for " + failures.size() + " document(s); first: document " + first.path("id").asText("?")
              + ": " + cause.path("type").asText() + ": " + cause.path("reason").asText());
    }
    if (response.hasNonNull("canceled")) {
      throw new IOException(what + " was cancelled: " + response.path("canceled").asText());
    }
    return new Result(
        task,
        response.path("total").asLong(0),
        response.path("created").asLong(0),
        response.path("updated").asLong(0),
        response.path("version_conflicts").asLong(0),
        (System.nanoTime() - t0) / 1_000_000);
  }

  private void cancel(String task) throws IOException {
    calls.call("POST", "/_tasks/" + encode(task) + "/_cancel", null);
  }

  private static String encode(String task) {
    return URLEncoder.encode(task, StandardCharsets.UTF_8);
  }
}
