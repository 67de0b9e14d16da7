package io.cqrssuite.sync.opensearch;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a batch of actions into {@code _bulk} requests that respect both {@link BulkLimits}, in order. An action
 * larger than the byte limit on its own still goes, alone: the domain decides, and a 413 then fails only it.
 */
final class BulkChunks {
  private BulkChunks() {}

  static List<List<BulkAction>> split(List<BulkAction> actions, BulkLimits limits) {
    List<List<BulkAction>> chunks = new ArrayList<>();
    List<BulkAction> current = new ArrayList<>();
    long bytes = 0;
    for (BulkAction action : actions) {
      boolean full = current.size() >= limits.maxDocs() || bytes + action.bytes() > limits.maxBytes();
      if (full && !current.isEmpty()) {
        chunks.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(action);
      bytes += action.bytes();
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }
}
