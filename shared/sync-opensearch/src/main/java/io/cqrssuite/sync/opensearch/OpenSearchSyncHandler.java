package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.sync.DataSyncHandler;
import io.cqrssuite.sync.SyncOutcome;
import io.cqrssuite.retry.InvocationDeadline;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch.core.BulkRequest;
import org.opensearch.client.opensearch.core.BulkResponse;
import org.opensearch.client.opensearch.core.bulk.BulkOperation;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;
import org.opensearch.client.transport.httpclient5.ResponseException;

/**
 * Projects changes into an OpenSearch index through its write alias, version-guarded by OpenSearch itself
 * (contract §2): an upsert is indexed with {@code version_type=external} and the change's version, so OpenSearch
 * keeps it only if it is newer than what it holds; a delete is indexed as a tombstone document with
 * {@code external_gte}, because a plain delete's version is forgotten after {@code index.gc_deletes} and a late,
 * older upsert would then resurrect the entity.
 *
 * <p>A batch goes out as {@code _bulk} requests bounded by document count and bytes ({@link BulkLimits}); every
 * item's result maps back to its change, so one bad document fails alone (permanent when OpenSearch refuses its
 * content, transient for rejections, 5xx and lost connections) and the others are written. A request refused as
 * too large (413) is split until the document at fault stands alone. Requests never ask for a refresh: documents
 * become searchable at the index's refresh interval, which keeps indexing cheap under load. {@code require_alias}
 * makes a missing write alias a (transient) failure instead of a silently auto-created index.
 *
 * <p>{@linkplain #boundedBy(InvocationDeadline) Bounded by a deadline}, each request waits at most the time the
 * invocation has left: a domain that accepts the connection and never answers fails the chunk transiently in time
 * for the invocation to answer. The request runs on a worker thread, because neither transport takes a per-request
 * deadline (the plain-HTTP one only a response timeout between bytes, the SigV4 one only its client's socket
 * timeout); a request given up on is abandoned to its socket timeout, and the version guard makes its late arrival
 * harmless.
 *
 * <p>During a backfill ({@link OpenSearchIndexes}' {@code <index>-backfill} alias on the index being filled), every
 * change goes through that alias too, a second target the handler discovers by itself ({@link BackfillDiscovery}):
 * an alias over two indexes writes to only one of them, so the new index gets its copy through its own alias, and
 * the swap removes that alias in the same request that moves the read and write aliases.
 */
public final class OpenSearchSyncHandler implements DataSyncHandler {
  private static final Duration MAX_REQUEST = Duration.ofMinutes(15);
  private static final Duration MIN_REQUEST = Duration.ofMillis(100);
  static final int DEFAULT_BACKFILL_CHECK_SECONDS = 30;
  static final Duration DEFAULT_BACKFILL_CHECK = Duration.ofSeconds(DEFAULT_BACKFILL_CHECK_SECONDS);
  private static final String INDEX_NOT_FOUND = "index_not_found_exception";

  private final OpenSearchClient client;
  private final String writeAlias;
  private final BulkLimits limits;
  private final Predicate<ChangeRecord> accepts;
  private final DocumentProjection projection;
  private final Clock clock;
  private final InvocationDeadline deadline;
  /** Null for a writer that has no second target (the backfill's own). */
  private final BackfillDiscovery backfill;
  private volatile ExecutorService requests;

  public OpenSearchSyncHandler(
      OpenSearchClient client, IndexNames names, BulkLimits limits, Predicate<ChangeRecord> accepts) {
    this(client, names, limits, accepts, new ObjectMapper(), Clock.systemUTC());
  }

  /** {@code clock} stamps tombstones' {@code deleted_at}, which the tombstone purge reads. */
  public OpenSearchSyncHandler(
      OpenSearchClient client,
      IndexNames names,
      BulkLimits limits,
      Predicate<ChangeRecord> accepts,
      ObjectMapper mapper,
      Clock clock) {
    this(
        client, names.writeAlias(), limits, accepts, new DocumentProjection(mapper), clock, null,
        new BackfillDiscovery(client, names.backfillAlias(), DEFAULT_BACKFILL_CHECK, Clock.systemUTC()));
  }

  private OpenSearchSyncHandler(
      OpenSearchClient client,
      String writeAlias,
      BulkLimits limits,
      Predicate<ChangeRecord> accepts,
      DocumentProjection projection,
      Clock clock,
      InvocationDeadline deadline,
      BackfillDiscovery backfill) {
    this.client = client;
    this.writeAlias = writeAlias;
    this.limits = limits;
    this.accepts = accepts;
    this.projection = projection;
    this.clock = clock;
    this.deadline = deadline;
    this.backfill = backfill;
  }

  /** The same handler, each request bounded by the time {@code deadline}'s invocation has left. */
  public OpenSearchSyncHandler boundedBy(InvocationDeadline deadline) {
    return new OpenSearchSyncHandler(client, writeAlias, limits, accepts, projection, clock, deadline, backfill);
  }

  /**
   * The writer a backfill fills its new index with: the same documents and limits, through the backfill alias, with
   * no second target of its own.
   */
  OpenSearchSyncHandler backfillWriter() {
    if (backfill == null) {
      throw new IllegalStateException(name() + " already writes a backfill");
    }
    return new OpenSearchSyncHandler(client, backfill.alias(), limits, accepts, projection, clock, null, null);
  }

  /**
   * The same handler, looking for a backfill's alias every {@code interval} ({@code SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS},
   * {@value #DEFAULT_BACKFILL_CHECK_SECONDS} s by default). A backfill waits this long after adding its alias before it
   * copies anything, so every container must use the value the backfill is given.
   */
  public OpenSearchSyncHandler checkingForBackfillEvery(Duration interval) {
    if (backfill == null) {
      throw new IllegalStateException(name() + " writes a backfill itself and has no second target to look for");
    }
    return new OpenSearchSyncHandler(
        client, writeAlias, limits, accepts, projection, this.clock, deadline,
        new BackfillDiscovery(client, backfill.alias(), interval, Clock.systemUTC()));
  }

  @Override
  public String name() {
    return "OpenSearchSyncHandler[" + writeAlias + "]";
  }

  @Override
  public boolean accepts(ChangeRecord change) {
    return accepts.test(change);
  }

  @Override
  public SyncOutcome up(ChangeRecord change) {
    return write(List.of(change), c -> false).get(0);
  }

  @Override
  public SyncOutcome down(ChangeRecord change) {
    return write(List.of(change), c -> true).get(0);
  }

  @Override
  public List<SyncOutcome> sync(List<ChangeRecord> changes) {
    return write(changes, ChangeRecord::deleted);
  }

  /** {@code tombstone} decides per change: {@link #up} and {@link #down} say it themselves, a batch asks the change. */
  private List<SyncOutcome> write(List<ChangeRecord> changes, Predicate<ChangeRecord> tombstone) {
    SyncOutcome[] outcomes = new SyncOutcome[changes.size()];
    List<BulkAction> actions = new ArrayList<>(changes.size());
    for (int i = 0; i < changes.size(); i++) {
      ChangeRecord change = changes.get(i);
      boolean delete = tombstone.test(change);
      try {
        byte[] document = delete ? projection.tombstone(change, clock.instant()) : projection.live(change);
        actions.add(BulkAction.of(i, change, delete, document));
      } catch (RuntimeException e) {
        outcomes[i] =
            new SyncOutcome.Failed(
                new PermanentException("cannot build the OpenSearch document for " + change.id() + ": " + e, e),
                FailureKind.PERMANENT);
      }
    }
    String second;
    try {
      second = backfill == null ? null : backfill.target();
    } catch (IOException | RuntimeException e) {
      // Not knowing whether a backfill runs must not drop its copy of the changes: fail them as the write would.
      for (BulkAction action : actions) {
        outcomes[action.position()] =
            new SyncOutcome.Failed(
                new TransientException(
                    "cannot write " + action.change().id() + " (version " + action.change().version()
                        + "): cannot tell whether a backfill runs (HEAD _alias/" + backfill.alias() + "): " + e,
                    e),
                FailureKind.TRANSIENT);
      }
      return Arrays.asList(outcomes);
    }
    List<List<BulkAction>> chunks = BulkChunks.split(actions, limits);
    // The backfill alias first: it only ever points to the new index, while the swap moves the write alias from the
    // old index to the new one. In this order a swap between the two requests cannot leave a change in the old index
    // only: either the backfill alias took it, or it was already gone and the write alias is on the new index.
    SyncOutcome[] backfilled = second == null ? null : new SyncOutcome[outcomes.length];
    boolean[] aliasGone = second == null ? null : new boolean[outcomes.length];
    if (second != null) {
      for (List<BulkAction> chunk : chunks) {
        send(second, chunk, backfilled, aliasGone);
      }
    }
    for (List<BulkAction> chunk : chunks) {
      send(writeAlias, chunk, outcomes, null);
    }
    if (second != null) {
      merge(second, outcomes, backfilled, aliasGone);
    }
    return Arrays.asList(outcomes);
  }

  /**
   * Folds the backfill alias's outcomes into the changes'. Its outcome counts only when it failed: the change then
   * fails with the same kind (retried, or dead-lettered and replayable), and the version guard makes the repeat on
   * the write alias a duplicate. An item answered "no such alias" means the swap removed it: not a failure, and the
   * discovery stops writing there at once.
   */
  private void merge(String alias, SyncOutcome[] outcomes, SyncOutcome[] second, boolean[] aliasGone) {
    boolean gone = false;
    for (int i = 0; i < outcomes.length; i++) {
      gone |= aliasGone[i];
      if (aliasGone[i] || !(second[i] instanceof SyncOutcome.Failed failed) || !outcomes[i].succeeded()) {
        continue;
      }
      String what = "written through " + writeAlias + " but not through the backfill alias " + alias + ": "
          + failed.error().getMessage();
      outcomes[i] =
          new SyncOutcome.Failed(
              failed.kind() == FailureKind.PERMANENT
                  ? new PermanentException(what, failed.error())
                  : new TransientException(what, failed.error()),
              failed.kind());
    }
    if (gone) {
      backfill.gone();
    }
  }

  /** {@code aliasGone}, for the backfill alias only, marks the items answered "no such alias". */
  private void send(String alias, List<BulkAction> chunk, SyncOutcome[] outcomes, boolean[] aliasGone) {
    BulkResponse response;
    try {
      response = bulk(request(alias, chunk));
    } catch (IOException | RuntimeException e) {
      int status = httpStatus(e);
      if (status == 413 && chunk.size() > 1) {
        send(alias, chunk.subList(0, chunk.size() / 2), outcomes, aliasGone);
        send(alias, chunk.subList(chunk.size() / 2, chunk.size()), outcomes, aliasGone);
        return;
      }
      failAll(chunk, outcomes, e, status);
      return;
    }
    List<BulkResponseItem> items = response.items();
    for (int i = 0; i < chunk.size(); i++) {
      BulkAction action = chunk.get(i);
      if (aliasGone != null && i < items.size() && aliasMissing(items.get(i))) {
        aliasGone[action.position()] = true;
        continue;
      }
      outcomes[action.position()] =
          i < items.size()
              ? BulkItemOutcomes.of(items.get(i), action)
              : new SyncOutcome.Failed(
                  new TransientException(
                      "OpenSearch answered " + items.size() + " items for " + chunk.size() + " documents; no result for "
                          + action.change().id()),
                  FailureKind.TRANSIENT);
    }
  }

  /** The request, within the invocation's time left when bounded. */
  private BulkResponse bulk(BulkRequest request) throws IOException {
    if (deadline == null || !deadline.bounded()) {
      return client.bulk(request);
    }
    Duration budget = deadline.callTimeout(MAX_REQUEST, MIN_REQUEST);
    Future<BulkResponse> call = requests().submit(() -> client.bulk(request));
    try {
      return call.get(budget.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      call.cancel(true);
      throw new RequestTimedOutException(
          "no answer from OpenSearch within " + budget.toMillis() + " ms, the time the invocation had left");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel(true);
      throw new RequestTimedOutException("interrupted while waiting for OpenSearch");
    }
  }

  private ExecutorService requests() {
    ExecutorService pool = requests;
    if (pool == null) {
      synchronized (this) {
        if (requests == null) {
          requests =
              Executors.newCachedThreadPool(
                  task -> {
                    Thread thread = new Thread(task, "opensearch-request");
                    thread.setDaemon(true);
                    return thread;
                  });
        }
        pool = requests;
      }
    }
    return pool;
  }

  /** A request the invocation could not wait for any longer: transient, like a lost connection. */
  static final class RequestTimedOutException extends IOException {
    RequestTimedOutException(String message) {
      super(message);
    }
  }

  /** With {@code require_alias}, a removed alias is a 404 {@code index_not_found_exception} naming the flag. */
  private static boolean aliasMissing(BulkResponseItem item) {
    return item.status() == 404 && item.error() != null && INDEX_NOT_FOUND.equals(item.error().type());
  }

  private BulkRequest request(String alias, List<BulkAction> chunk) {
    List<BulkOperation> operations = new ArrayList<>(chunk.size());
    for (BulkAction action : chunk) {
      operations.add(
          BulkOperation.of(
              op ->
                  op.<RawJsonDocument>index(
                      index ->
                          index
                              .id(action.change().id())
                              .version(action.change().version())
                              .versionType(action.tombstone() ? VersionType.ExternalGte : VersionType.External)
                              .document(new RawJsonDocument(action.document())))));
    }
    return new BulkRequest.Builder().index(alias).requireAlias(true).operations(operations).build();
  }

  /**
   * The HTTP status of a request-level failure, or -1 for none (a lost connection, a timeout). The plain-HTTP
   * transport reports error responses as its {@code ResponseException}, the SigV4 one as {@link OpenSearchException}.
   */
  static int httpStatus(Throwable error) {
    Throwable t = error;
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof OpenSearchException) {
        return ((OpenSearchException) t).status();
      }
      if (t instanceof ResponseException) {
        return ((ResponseException) t).status();
      }
    }
    return -1;
  }

  /** 400 (a request OpenSearch cannot parse) and 413 (one document over the payload limit) are permanent. */
  private static void failAll(List<BulkAction> chunk, SyncOutcome[] outcomes, Exception error, int status) {
    boolean permanent = status == 400 || status == 413;
    for (BulkAction action : chunk) {
      String what =
          "OpenSearch _bulk request (" + chunk.size() + " documents) failed"
              + (status > 0 ? " with HTTP " + status : "") + " for " + action.change().id() + " (version "
              + action.change().version() + "): " + error;
      outcomes[action.position()] =
          permanent
              ? new SyncOutcome.Failed(new PermanentException(what, error), FailureKind.PERMANENT)
              : new SyncOutcome.Failed(new TransientException(what, error), FailureKind.TRANSIENT);
    }
  }
}
