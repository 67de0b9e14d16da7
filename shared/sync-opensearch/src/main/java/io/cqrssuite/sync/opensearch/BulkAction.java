package io.cqrssuite.sync.opensearch;

import io.cqrssuite.event.ChangeRecord;
import java.nio.charset.StandardCharsets;

/**
 * One change ready for {@code _bulk}: the serialized document, whether it is a tombstone, and what it costs in the
 * request. {@code position} is the change's place in the caller's list, so per-item results find their way back.
 */
record BulkAction(int position, ChangeRecord change, boolean tombstone, byte[] document, long bytes) {

  static BulkAction of(int position, ChangeRecord change, boolean tombstone, byte[] document) {
    return new BulkAction(position, change, tombstone, document, actionLineBytes(change, tombstone) + document.length + 1);
  }

  /**
   * The size of {@code {"index":{"_id":"...","version":N,"version_type":"external"}}} and its newline, as the client
   * writes it (the index travels once, in the request path). Exact for ids without characters JSON escapes; an
   * escaped id is counted at up to six bytes per character, never less than it takes.
   */
  private static long actionLineBytes(ChangeRecord change, boolean tombstone) {
    int id = change.id().getBytes(StandardCharsets.UTF_8).length;
    for (int i = 0; i < change.id().length(); i++) {
      char c = change.id().charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        id += 5;
      }
    }
    String fixed = "{\"index\":{\"_id\":\"\",\"version\":,\"version_type\":\"\"}}\n";
    return fixed.length() + id + Long.toString(change.version()).length() + (tombstone ? "external_gte" : "external").length();
  }
}
