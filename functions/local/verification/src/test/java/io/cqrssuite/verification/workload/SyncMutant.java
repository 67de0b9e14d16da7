package io.cqrssuite.verification.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Faulty syncs, simulated for the runs' tests by rewriting the stream records before the real function sees them:
 * each is a bug a read-model check must catch, and each was invisible to the check that compared five fields and
 * took a deleted entity's absence for its tombstone. {@link #NONE} is the sync as it is.
 */
public enum SyncMutant implements UnaryOperator<List<ObjectNode>> {
  NONE {
    @Override
    ObjectNode rewrite(ObjectNode record) {
      return record;
    }
  },
  /** Deletes never reach the read models: no tombstone, the entity stays as its last live version left it. */
  DROPS_DELETES {
    @Override
    ObjectNode rewrite(ObjectNode record) {
      boolean remove = record.path("eventName").asText().equals("REMOVE");
      boolean deleted = newImage(record).path("isDeleted").path("BOOL").asBoolean(false);
      return remove || deleted ? null : record;
    }
  },
  /** Every new image's tags replaced by one tag the log never had. */
  WRONG_TAGS {
    @Override
    ObjectNode rewrite(ObjectNode record) {
      if (newImage(record).isMissingNode()) {
        return record;
      }
      ObjectNode copy = record.deepCopy();
      ((ObjectNode) copy.path("dynamodb").path("NewImage")).putObject("tags").putArray("L").addObject().put("S", "mutant");
      return copy;
    }
  },
  /** The attributes no column names (what the relational {@code attributes} column holds) lost on the way. */
  LOSES_ATTRIBUTES {
    private static final Set<String> MAPPED =
        Set.of("pk", "sk", "id", "code", "version", "isDeleted", "tenantCode", "name", "description", "price", "category", "tags", "isActive",
            "createdAt", "updatedAt");

    @Override
    ObjectNode rewrite(ObjectNode record) {
      if (newImage(record).isMissingNode()) {
        return record;
      }
      ObjectNode copy = record.deepCopy();
      ((ObjectNode) copy.path("dynamodb").path("NewImage")).retain(MAPPED);
      return copy;
    }
  };

  /** The record as the faulty sync sees it, or {@code null} when it never sees it. */
  abstract ObjectNode rewrite(ObjectNode record);

  @Override
  public List<ObjectNode> apply(List<ObjectNode> records) {
    List<ObjectNode> rewritten = new ArrayList<>(records.size());
    for (ObjectNode record : records) {
      ObjectNode seen = rewrite(record);
      if (seen != null) {
        rewritten.add(seen);
      }
    }
    return rewritten;
  }

  private static JsonNode newImage(ObjectNode record) {
    return record.path("dynamodb").path("NewImage");
  }
}
