package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.backfill.VersionedReadModel;
import io.cqrssuite.operations.ReadModelBackfill;
import io.cqrssuite.operations.Resync;
import io.cqrssuite.operations.ResyncCheckpoints;

/**
 * A mapping migration by backfill: a new version of the read model from its changed definition (for OpenSearch, a
 * new index from the new template), filled from the source while the live sync writes to both, reconciled, then
 * swapped to in one request ({@link ReadModelBackfill}). Undone by moving readers back to the kept version and
 * writing into it what changed since the swap.
 */
public final class IndexBackfillMigration implements MappingMigration {
  private final ReadModelBackfill backfill;
  private final VersionedReadModel model;
  private final ReadModelBackfill.Options options;
  private boolean swapped;

  public IndexBackfillMigration(ReadModelBackfill backfill, VersionedReadModel model, ReadModelBackfill.Options options) {
    this.backfill = backfill;
    this.model = model;
    this.options = options;
  }

  @Override
  public String name() {
    return model.name();
  }

  @Override
  public ObjectNode apply() throws Exception {
    ObjectNode result = backfill.run(options, ResyncCheckpoints.none(), Resync.Progress.none());
    swapped = result.path("swapped").asBoolean();
    if (!swapped) {
      throw new IllegalStateException("the backfill of " + model.name() + " did not swap: " + result.path("reason").asText());
    }
    return result;
  }

  @Override
  public ObjectNode undo() throws Exception {
    if (!swapped) {
      return null;
    }
    ObjectNode result = backfill.rollback(options);
    swapped = false;
    return result;
  }
}
