package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.reconcile.ContentHash;
import io.cqrssuite.reconcile.ReconcileTarget;
import io.cqrssuite.reconcile.StoredEntity;
import io.cqrssuite.sync.SyncOutcome;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.VersionType;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;

/**
 * The search read model's index, as reconcile sees it, through its write alias (the one index the live sync writes).
 * The content hash covers the document's fields except the ones the suite stamps ({@code version},
 * {@code is_deleted}, {@code deleted_at}); both sides are parsed with exact decimals and canonicalized
 * ({@link ContentHash}). Heal writes are guarded by OpenSearch's external versions, as the live sync's are: a rewrite
 * or a tombstone at the version read succeeds only while no newer version is stored.
 */
public final class OpenSearchReconcileTarget implements ReconcileTarget {
  private static final int PAGE = 1000;
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final OpenSearchClient client;
  private final IndexNames names;
  /** The alias read and written: the write alias, or the backfill alias for the index a backfill fills. */
  private final String alias;
  private final Predicate<ChangeRecord> accepts;
  private final OpenSearchSyncHandler sync;
  private final DocumentProjection projection;
  private final Clock clock;
  private final Set<String> ignored;

  public OpenSearchReconcileTarget(
      OpenSearchClient client, IndexNames names, Predicate<ChangeRecord> accepts, OpenSearchSyncHandler sync, Clock clock) {
    this(client, names, accepts, sync, clock, Set.of());
  }

  /**
   * The same, leaving {@code ignoredAttributes} out of the content compared: document fields that differ between the
   * table the index is fed from and the one it is reconciled with (the command table's versioned sort key and TTL
   * against the data table's plain ones).
   */
  public OpenSearchReconcileTarget(
      OpenSearchClient client,
      IndexNames names,
      Predicate<ChangeRecord> accepts,
      OpenSearchSyncHandler sync,
      Clock clock,
      Set<String> ignoredAttributes) {
    this(client, names, names.writeAlias(), accepts, sync, clock, ignoredAttributes);
  }

  private OpenSearchReconcileTarget(
      OpenSearchClient client,
      IndexNames names,
      String alias,
      Predicate<ChangeRecord> accepts,
      OpenSearchSyncHandler sync,
      Clock clock,
      Set<String> ignoredAttributes) {
    this.client = client;
    this.names = names;
    this.alias = alias;
    this.accepts = accepts;
    this.sync = sync;
    this.projection = new DocumentProjection(JSON);
    this.clock = clock;
    this.ignored = Set.copyOf(ignoredAttributes);
  }

  /** The index a backfill fills, read and written through its backfill alias, the rest as this target does. */
  OpenSearchReconcileTarget throughBackfillAlias() {
    return new OpenSearchReconcileTarget(
        client, names, names.backfillAlias(), accepts, sync.backfillWriter(), clock, ignored);
  }

  @Override
  public String name() {
    return "opensearch[" + alias + "]";
  }

  @Override
  public boolean accepts(ChangeRecord change) {
    return accepts.test(change);
  }

  @Override
  public ObjectNode expectedContent(ChangeRecord change) {
    try {
      return content((ObjectNode) JSON.readTree(projection.live(change)), ignored);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read back the document of " + change.id(), e);
    }
  }

  /** The document without the fields the suite stamps and the ones ignored. */
  private static ObjectNode content(ObjectNode document, Set<String> ignored) {
    ObjectNode content = document.deepCopy();
    content.remove(ignored);
    content.remove(DocumentProjection.VERSION);
    content.remove(DocumentProjection.IS_DELETED);
    content.remove(DocumentProjection.DELETED_AT);
    return content;
  }



  private StoredEntity stored(String id, ObjectNode source) {
    long version = source.path(DocumentProjection.VERSION).asLong(-1);
    boolean deleted = source.path(DocumentProjection.IS_DELETED).asBoolean(false);
    return new StoredEntity(id, version, deleted, deleted ? null : ContentHash.of(content(source, ignored)));
  }

  @Override
  public Map<String, StoredEntity> read(Collection<String> ids) throws IOException {
    Map<String, StoredEntity> found = new HashMap<>();
    documents(ids, (id, source) -> found.put(id, stored(id, source)));
    return found;
  }

  @Override
  public Map<String, ObjectNode> storedContent(Collection<String> ids) throws IOException {
    Map<String, ObjectNode> found = new HashMap<>();
    documents(ids, (id, source) -> {
      if (!source.path(DocumentProjection.IS_DELETED).asBoolean(false)) {
        found.put(id, content(source, ignored));
      }
    });
    return found;
  }

  /** The stored documents of {@code ids}, by multi-get (real-time: not only what the last refresh made searchable). */
  private void documents(Collection<String> ids, BiConsumer<String, ObjectNode> sink) throws IOException {
    List<String> all = new ArrayList<>(ids);
    for (int start = 0; start < all.size(); start += PAGE) {
      List<String> chunk = all.subList(start, Math.min(all.size(), start + PAGE));
      var response = client.mget(m -> m.index(alias).ids(chunk), ObjectNode.class);
      for (var doc : response.docs()) {
        if (doc.isResult() && doc.result().found() && doc.result().source() != null) {
          sink.accept(doc.result().id(), doc.result().source());
        }
      }
    }
  }

  @Override
  public void scan(Consumer<StoredEntity> sink) throws IOException {
    // search_after on the keyword id: a stable order without a scroll context to keep alive or clean up.
    String after = null;
    while (true) {
      String from = after;
      SearchResponse<ObjectNode> page =
          client.search(
              s -> {
                s.index(alias).size(PAGE).sort(o -> o.field(f -> f.field("id").order(SortOrder.Asc)));
                if (from != null) {
                  s.searchAfter(FieldValue.of(from));
                }
                return s;
              },
              ObjectNode.class);
      List<Hit<ObjectNode>> hits = page.hits().hits();
      for (Hit<ObjectNode> hit : hits) {
        if (hit.source() != null) {
          sink.accept(stored(hit.id(), hit.source()));
        }
      }
      if (hits.size() < PAGE) {
        return;
      }
      after = hits.get(hits.size() - 1).id();
    }
  }

  @Override
  public Counts counts() throws IOException {
    // _count sees only what the last refresh made searchable: a count right after a resync or a heal would miss up
    // to a refresh interval of writes, and counts have no re-check to clear that. One refresh per count is cheap.
    client.indices().refresh(r -> r.index(names.writeAlias()));
    long tombstones =
        client.count(c -> c.index(alias).query(q -> q.term(t -> t.field(DocumentProjection.IS_DELETED).value(FieldValue.of(true)))))
            .count();
    long all = client.count(c -> c.index(alias)).count();
    return new Counts(all - tombstones, tombstones);
  }

  @Override
  public List<SyncOutcome> sync(List<ChangeRecord> changes) {
    return sync.sync(changes);
  }

  @Override
  public boolean rewrite(ChangeRecord change, long storedVersion) throws IOException {
    return indexAt(change.id(), projection.live(change), storedVersion);
  }

  @Override
  public boolean hide(StoredEntity orphan) throws IOException {
    ObjectNode current = client.get(g -> g.index(alias).id(orphan.id()), ObjectNode.class).source();
    if (current == null || current.path(DocumentProjection.VERSION).asLong(-1) != orphan.version()) {
      return false;
    }
    ChangeRecord tombstone =
        new ChangeRecord(
            "reconcile", current.path("pk").asText(), current.path("code").asText(), orphan.id(), orphan.version(), true,
            null);
    return indexAt(orphan.id(), projection.tombstone(tombstone, clock.instant()), orphan.version());
  }

  /** Indexes {@code document} at {@code version}, only over the same or an older version. */
  private boolean indexAt(String id, byte[] document, long version) throws IOException {
    try {
      client.index(
          i -> i.index(alias)
              .id(id)
              .version(version)
              .versionType(VersionType.ExternalGte)
              .document(new RawJsonDocument(document)));
      return true;
    } catch (IOException | RuntimeException e) {
      // 409: a newer version is stored, which the guard keeps; the two transports report it differently.
      if (OpenSearchSyncHandler.httpStatus(e) == 409) {
        return false;
      }
      throw e;
    }
  }
}
