package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.reconcile.ReconcileTarget;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opensearch.client.opensearch.OpenSearchClient;

/**
 * An OpenSearch read model as a {@link VersionedReadModel}: versions are the concrete indexes {@code <index>-v<N>},
 * the second target is the backfill alias {@code <index>-backfill} on the next one (which {@link
 * OpenSearchSyncHandler} discovers and writes through), and the swap is one {@code _aliases} request that moves the
 * read and write aliases and removes the backfill alias together.
 *
 * <p>The horizon of a replaced index is recorded in its own mapping's {@code _meta} ({@value #MARK}: {@code
 * replaced_by}, {@code replaced_at}, {@code keep_until}), so it travels with the index and needs no other store:
 * {@link #clean} deletes an index only when it has such a mark, its horizon is past and no alias points to it.
 */
public final class OpenSearchBackfill implements VersionedReadModel {
  static final String MARK = "cqrs_suite_replaced";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNode TOMBSTONES =
      JSON.createObjectNode().set("term", JSON.createObjectNode().put(DocumentProjection.IS_DELETED, true));

  private final OpenSearchIndexes indexes;
  private final IndexNames names;
  private final OpenSearchReconcileTarget current;
  private final Duration discoveryInterval;
  private final PolledReindex reindex;
  private final PolledReindex.Options reindexOptions;
  private final JsonCalls calls;

  /**
   * @param current the read model as the live sync writes it
   * @param discoveryInterval the live sync's {@code SUITE_OPENSEARCH_BACKFILL_CHECK_SECONDS}
   * @param reindexOptions the deadline and throttle of the tombstone copy
   */
  public OpenSearchBackfill(
      OpenSearchIndexes indexes,
      OpenSearchReconcileTarget current,
      Duration discoveryInterval,
      PolledReindex.Options reindexOptions) {
    this.indexes = indexes;
    this.names = indexes.names();
    this.current = current;
    this.discoveryInterval = discoveryInterval;
    this.reindex = new PolledReindex(indexes.client());
    this.reindexOptions = reindexOptions;
    this.calls = new JsonCalls(indexes.client());
  }

  @Override
  public String name() {
    return "opensearch[" + names.readAlias() + "]";
  }

  @Override
  public Duration discoveryInterval() {
    return discoveryInterval;
  }

  @Override
  public Versions createNext() throws IOException {
    String live = indexes.currentIndex();
    String written = single(names.writeAlias());
    if (!live.equals(written)) {
      throw new IllegalStateException(
          "the read alias '" + names.readAlias() + "' is on " + live + " but the write alias '" + names.writeAlias()
              + "' on " + written + ": finish or undo that move before a backfill");
    }
    if (client().indices().existsAlias(a -> a.name(names.backfillAlias())).value()) {
      String open = single(names.backfillAlias());
      if (open.equals(live)) {
        throw new IllegalStateException(
            "the backfill alias '" + names.backfillAlias() + "' is on the current index " + live
                + ": remove it by hand (POST _aliases) before a backfill");
      }
      return new Versions(live, open, true);
    }
    String next = names.readAlias() + "-v" + (highestVersion() + 1);
    indexes.putTemplate();
    indexes.createIndex(next);
    return new Versions(live, next, false);
  }

  @Override
  public void openSecondTarget(Versions versions) throws IOException {
    client().indices().updateAliases(u -> u.actions(a -> a.add(add -> add.index(versions.next()).alias(names.backfillAlias()))));
  }

  @Override
  public long carryTombstones(Versions versions) throws IOException {
    return reindex.copy(versions.current(), versions.next(), TOMBSTONES, reindexOptions, PolledReindex.Progress.none())
        .copied();
  }

  @Override
  public ReconcileTarget current() {
    return current;
  }

  @Override
  public ReconcileTarget next(Versions versions) {
    return current.throughBackfillAlias();
  }

  @Override
  public void swap(Versions versions, Instant swappedAt, Instant keepUntil) throws IOException {
    // Marked first: if the swap then fails, the mark names an index that still has its aliases, which clean() skips.
    mark(versions.current(), versions.next(), swappedAt, keepUntil);
    client()
        .indices()
        .updateAliases(
            u ->
                u.actions(
                    OpenSearchIndexes.remove(versions.current(), names.readAlias()),
                    OpenSearchIndexes.remove(versions.current(), names.writeAlias()),
                    OpenSearchIndexes.remove(versions.next(), names.backfillAlias()),
                    indexes.addRead(versions.next()),
                    indexes.addWrite(versions.next())));
  }

  @Override
  public Rollback rollback(Instant at, Instant keepUntil) throws IOException {
    if (client().indices().existsAlias(a -> a.name(names.backfillAlias())).value()) {
      throw new IllegalStateException(
          "a backfill is open (alias '" + names.backfillAlias() + "'): finish it, or remove its alias, before a rollback");
    }
    String from = indexes.currentIndex();
    String to = null;
    Instant swappedAt = null;
    for (Map.Entry<String, JsonNode> index : versions().entrySet()) {
      JsonNode mark = index.getValue().path("mark");
      if (from.equals(mark.path("replaced_by").asText(null)) && mark.hasNonNull("replaced_at")) {
        Instant replaced = Instant.parse(mark.path("replaced_at").asText());
        if (swappedAt == null || replaced.isAfter(swappedAt)) {
          to = index.getKey();
          swappedAt = replaced;
        }
      }
    }
    if (to == null) {
      throw new IllegalStateException(
          "no kept index of '" + names.readAlias() + "' was replaced by " + from
              + ": nothing to roll back to (was it cleaned, or was " + from + " not created by a backfill?)");
    }
    String previous = to;
    mark(from, previous, at, keepUntil);
    client()
        .indices()
        .updateAliases(
            u ->
                u.actions(
                    OpenSearchIndexes.remove(from, names.readAlias()),
                    OpenSearchIndexes.remove(from, names.writeAlias()),
                    indexes.addRead(previous),
                    indexes.addWrite(previous)));
    // In use again: no horizon, so clean() never deletes it.
    putMark(previous, JSON.createObjectNode().put("restored_at", at.toString()));
    return new Rollback(from, previous, swappedAt);
  }

  @Override
  public List<String> clean(Instant now) throws IOException {
    List<String> deleted = new ArrayList<>();
    for (Map.Entry<String, JsonNode> index : versions().entrySet()) {
      JsonNode state = index.getValue();
      String keepUntil = state.path("mark").path("keep_until").asText(null);
      if (keepUntil != null && state.path("aliases").isEmpty() && Instant.parse(keepUntil).isBefore(now)) {
        client().indices().delete(d -> d.index(index.getKey()));
        deleted.add(index.getKey());
      }
    }
    return deleted;
  }

  /** Every concrete index of the read model: {@code {"aliases": {...}, "mark": {...}}} by name. */
  private Map<String, JsonNode> versions() throws IOException {
    Map<String, JsonNode> found = new java.util.TreeMap<>();
    JsonNode aliases = calls.call("GET", "/" + names.indexPattern() + "/_alias", null);
    JsonNode mappings = calls.call("GET", "/" + names.indexPattern() + "/_mapping", null);
    for (Iterator<String> it = aliases.fieldNames(); it.hasNext(); ) {
      String index = it.next();
      ObjectNode state = JSON.createObjectNode();
      state.set("aliases", aliases.path(index).path("aliases"));
      state.set("mark", mappings.path(index).path("mappings").path("_meta").path(MARK));
      found.put(index, state);
    }
    return found;
  }

  private void mark(String index, String replacedBy, Instant at, Instant keepUntil) throws IOException {
    putMark(
        index,
        JSON.createObjectNode()
            .put("replaced_by", replacedBy)
            .put("replaced_at", at.toString())
            .put("keep_until", keepUntil.toString()));
  }

  /** Sets the mark in the index's {@code _meta}, keeping what else the template put there. */
  private void putMark(String index, ObjectNode mark) throws IOException {
    JsonNode meta = calls.call("GET", "/" + index + "/_mapping", null).path(index).path("mappings").path("_meta");
    ObjectNode updated = meta.isObject() ? ((ObjectNode) meta).deepCopy() : JSON.createObjectNode();
    updated.set(MARK, mark);
    ObjectNode body = JSON.createObjectNode();
    body.set("_meta", updated);
    calls.call("PUT", "/" + index + "/_mapping", body);
  }

  /** The highest N among the indexes {@code <index>-v<N>}: the next version never reuses a kept index's name. */
  private long highestVersion() throws IOException {
    Pattern numbered = Pattern.compile(Pattern.quote(names.readAlias() + "-v") + "(\\d{1,9})");
    long highest = 0;
    for (String index : versions().keySet()) {
      Matcher matcher = numbered.matcher(index);
      if (matcher.matches()) {
        highest = Math.max(highest, Long.parseLong(matcher.group(1)));
      }
    }
    return highest;
  }

  private String single(String alias) throws IOException {
    Map<String, ?> on = client().indices().getAlias(a -> a.name(alias)).result();
    if (on.size() != 1) {
      throw new IllegalStateException("alias '" + alias + "' must point to exactly one index, found " + new TreeSet<>(on.keySet()));
    }
    return on.keySet().iterator().next();
  }

  private OpenSearchClient client() {
    return indexes.client();
  }
}
