package io.cqrssuite.sync.rds;

import io.cqrssuite.failure.TransientException;

/**
 * A record the table could not take because the deployment no longer matches the mapping: a table or column renamed
 * or dropped, a privilege revoked, a feature the server refuses (SQLState classes 42 and 0A), or a live schema that
 * fails the mapping's check. No row is at fault and every row of the table fails alike, so the record is transient:
 * it backs off and is redelivered until the schema or the grants are put right, instead of draining the stream
 * into the dead letters. The sync raises one CRITICAL alarm per table for it (contract §5).
 */
final class DeploymentFaultException extends TransientException {
  private static final long serialVersionUID = 1L;

  private final String recordId;

  /** What the table or the check said, without the record: the same for every record, so it is what an alarm says. */
  private final String reason;

  DeploymentFaultException(String recordId, String table, String reason, Throwable cause) {
    super("record " + recordId + ": table " + table + " does not match the deployed mapping: " + reason, cause);
    this.recordId = recordId;
    this.reason = "table " + table + ": " + reason;
  }

  String recordId() {
    return recordId;
  }

  String reason() {
    return reason;
  }
}
