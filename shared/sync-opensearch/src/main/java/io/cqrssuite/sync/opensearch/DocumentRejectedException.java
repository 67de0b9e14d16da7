package io.cqrssuite.sync.opensearch;

import io.cqrssuite.failure.PermanentException;

/**
 * OpenSearch refused a document for what it contains (a value the mapping cannot parse, a document too large for
 * the domain): the same document fails the same way every time, so it goes to the dead letters, not to a retry.
 */
public final class DocumentRejectedException extends PermanentException {
  private static final long serialVersionUID = 1L;

  private final String documentId;
  private final String errorType;

  public DocumentRejectedException(String documentId, long version, String errorType, String reason) {
    super("OpenSearch rejected document " + documentId + " (version " + version + "): " + errorType + ": " + reason);
    this.documentId = documentId;
    this.errorType = errorType;
  }

  public String documentId() {
    return documentId;
  }

  /** OpenSearch's error type, e.g. {@code mapper_parsing_exception}. */
  public String errorType() {
    return errorType;
  }
}
