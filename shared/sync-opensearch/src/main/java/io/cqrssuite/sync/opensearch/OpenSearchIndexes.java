package io.cqrssuite.sync.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.Conflicts;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.opensearch._types.Refresh;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.generic.Body;
import org.opensearch.client.opensearch.generic.Requests;
import org.opensearch.client.opensearch.generic.Response;
import org.opensearch.client.opensearch.indices.update_aliases.Action;

/**
 * Creates and rebuilds the index behind a read model's aliases (see {@code infra/opensearch/README.md}).
 *
 * <p>{@link #ensure()} is idempotent and cheap (a template put and an alias check), so a function may call it at
 * cold start. {@link #rebuild(String)} moves the read model to a new concrete index built from the current template
 * (a mapping change, a new analyzer) while writes and reads go on: both aliases move in one atomic {@code _aliases}
 * request, so a search sees either the old index or the new one, never neither.
 */
public final class OpenSearchIndexes {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpenSearchClient client;
  private final IndexNames names;
  private final ObjectNode template;
  private final PolledReindex reindex;

  /** {@code template} is a composable index template; its {@code index_patterns} are replaced by the names'. */
  public OpenSearchIndexes(OpenSearchClient client, IndexNames names, ObjectNode template) {
    this.client = client;
    this.names = names;
    this.template = template.deepCopy();
    this.template.putArray("index_patterns").add(names.indexPattern());
    requireTombstoneFields(this.template);
    this.reindex = new PolledReindex(client);
  }

  IndexNames names() {
    return names;
  }

  OpenSearchClient client() {
    return client;
  }

  /** Reads an index template from the classpath, e.g. {@code opensearch/products-template.json}. */
  public static ObjectNode template(String resource) {
    try (InputStream in = OpenSearchIndexes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("index template '" + resource + "' is not on the classpath");
      }
      JsonNode node = JSON.readTree(in);
      if (!node.isObject()) {
        throw new IllegalArgumentException("index template '" + resource + "' is not a JSON object");
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read index template '" + resource + "'", e);
    }
  }

  /**
   * Puts the index template, and creates the first index with both aliases unless the read alias exists. A read
   * alias without its write alias (a rebuild interrupted by hand) gets the write alias back on the same index.
   */
  public void ensure() throws IOException {
    putTemplate();
    if (client.indices().existsAlias(a -> a.name(names.readAlias())).value()) {
      String current = currentIndex();
      if (!client.indices().existsAlias(a -> a.name(names.writeAlias())).value()) {
        client.indices().updateAliases(u -> u.actions(addWrite(current)));
      }
      return;
    }
    if (client.indices().exists(e -> e.index(names.readAlias())).value()) {
      throw new IllegalStateException(
          "'" + names.readAlias() + "' is a concrete index, not an alias (was it auto-created by a write?): delete"
              + " or reindex it before ensure() can put the read alias there");
    }
    createIndex(names.initialIndex());
    client.indices().updateAliases(u -> u.actions(addRead(names.initialIndex()), addWrite(names.initialIndex())));
  }

  /** The concrete index the read alias points to. */
  public String currentIndex() throws IOException {
    Map<String, ?> indexes = client.indices().getAlias(a -> a.name(names.readAlias())).result();
    if (indexes.size() != 1) {
      throw new IllegalStateException(
          "read alias '" + names.readAlias() + "' must point to exactly one index, found " + new TreeSet<>(indexes.keySet()));
    }
    return indexes.keySet().iterator().next();
  }

  /**
   * Moves the read model to {@code newIndex}: creates it from the current template, copies the documents with
   * their external versions, swaps both aliases in one request, blocks writes to the old index and copies once
   * more, so writes that reached the old index during the first copy are not lost (a write refused by the block
   * fails as transient and is retried through the alias into the new index). The old index is kept; delete it when
   * satisfied.
   */
  public Rebuild rebuild(String newIndex) throws IOException {
    return rebuild(newIndex, PolledReindex.Options.defaults(), PolledReindex.Progress.none());
  }

  /**
   * {@link #rebuild(String)}, each copy a polled {@code _reindex} task within {@code options}' deadline, reporting
   * its progress; a copy that fails or runs out of time stops the rebuild before the swap (when it is the first) or
   * after it (the catch-up copy: the old index is then blocked, and a rerun of the catch-up is a plain reindex).
   */
  public Rebuild rebuild(String newIndex, PolledReindex.Options options, PolledReindex.Progress progress)
      throws IOException {
    names.concreteIndex(newIndex);
    String previous = currentIndex();
    if (previous.equals(newIndex)) {
      throw new IllegalArgumentException("'" + newIndex + "' already is the current index");
    }
    putTemplate();
    createIndex(newIndex);
    long copied = reindex.copy(previous, newIndex, null, options, progress).copied();
    client
        .indices()
        .updateAliases(
            u ->
                u.actions(
                    remove(previous, names.readAlias()),
                    remove(previous, names.writeAlias()),
                    addRead(newIndex),
                    addWrite(newIndex)));
    client.indices().putSettings(s -> s.index(previous).settings(b -> b.blocksWrite(true)));
    long caughtUp = reindex.copy(previous, newIndex, null, options, progress).copied();
    return new Rebuild(previous, newIndex, copied, caughtUp);
  }

  /** What a rebuild did: the documents the first copy wrote, and those the catch-up copy still found newer. */
  public record Rebuild(String previousIndex, String currentIndex, long copied, long caughtUp) {}

  /**
   * Deletes tombstones whose {@code deleted_at} is before {@code deletedBefore}. Keep the horizon longer than the
   * stream retention (24 h) plus the dead-letter retention: once a tombstone is gone, a replayed older upsert would
   * resurrect its entity.
   *
   * @return how many tombstones were deleted
   */
  public long purgeTombstones(Instant deletedBefore) throws IOException {
    Query query =
        Query.of(
            q ->
                q.bool(
                    b ->
                        b.filter(f -> f.term(t -> t.field(DocumentProjection.IS_DELETED).value(FieldValue.of(true))))
                            .filter(
                                f ->
                                    f.range(
                                        r ->
                                            r.field(DocumentProjection.DELETED_AT)
                                                .lt(JsonData.of(deletedBefore.toString()))))));
    Long deleted =
        client
            .deleteByQuery(d -> d.index(names.writeAlias()).query(query).conflicts(Conflicts.Proceed).refresh(Refresh.True))
            .deleted();
    return deleted == null ? 0 : deleted;
  }

  void putTemplate() throws IOException {
    byte[] body = JSON.writeValueAsBytes(template);
    try (Response response =
        client
            .generic()
            .execute(
                Requests.builder()
                    .method("PUT")
                    .endpoint("/_index_template/" + names.readAlias())
                    .body(Body.from(body, "application/json"))
                    .build())) {
      if (response.getStatus() >= 300) {
        throw new IOException(
            "PUT _index_template/" + names.readAlias() + " failed with HTTP " + response.getStatus() + ": "
                + response.getBody().map(Body::bodyAsString).orElse(""));
      }
    }
  }

  void createIndex(String index) throws IOException {
    try {
      client.indices().create(c -> c.index(index));
    } catch (OpenSearchException e) {
      // Another container's ensure() or an interrupted rebuild created it first: the template made it the same.
      if (!"resource_already_exists_exception".equals(e.error().type())) {
        throw e;
      }
    }
  }

  Action addRead(String index) {
    return Action.of(
        a ->
            a.add(
                add ->
                    add.index(index)
                        .alias(names.readAlias())
                        .filter(
                            q -> q.term(t -> t.field(DocumentProjection.IS_DELETED).value(FieldValue.of(false))))));
  }

  Action addWrite(String index) {
    return Action.of(a -> a.add(add -> add.index(index).alias(names.writeAlias()).isWriteIndex(true)));
  }

  static Action remove(String index, String alias) {
    return Action.of(a -> a.remove(r -> r.index(index).alias(alias)));
  }

  private static void requireTombstoneFields(ObjectNode template) {
    JsonNode properties = template.path("template").path("mappings").path("properties");
    for (List<String> field :
        List.of(
            List.of(DocumentProjection.VERSION, "long"),
            List.of(DocumentProjection.IS_DELETED, "boolean"),
            List.of(DocumentProjection.DELETED_AT, "date"))) {
      String type = properties.path(field.get(0)).path("type").asText("");
      if (!type.equals(field.get(1))) {
        throw new IllegalArgumentException(
            "the index template must map '" + field.get(0) + "' as " + field.get(1) + " (the sync handler's version"
                + " guard and tombstones rely on it), found '" + type + "'");
      }
    }
  }
}
