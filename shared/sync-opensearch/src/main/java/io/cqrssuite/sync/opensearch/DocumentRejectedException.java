package io.cqrssuite.sync.opensearch;

import io.cqrssuite.failure.PermanentException;

/**
 * OpenSearch refused a document for what it contains (a value the mapping cannot parse, a document too large for
 * the domain): the same document fails the same way every time, so it goes to the dead letters, not to a retry. Its
 * message names the document, the error type and the field; the value OpenSearch quotes is only in {@link #detail()}.
 */
public final class DocumentRejectedException extends PermanentException {
  private static final long serialVersionUID = 1L;

  private final String documentId;
  private final String errorType;

  /** With OpenSearch's whole reason as the message: for reasons that quote no value. */
  public DocumentRejectedException(String documentId, long version, String errorType, String reason) {
    this(documentId, version, errorType, reason, null);
  }

  /**
   * @param shownReason what logs and alarms may show: error types, field names and types (contract §5)
   * @param reason OpenSearch's own text, which may quote the field's value ("Preview of field's value"): for the
   *     dead-letter envelope alone; {@code null} when {@code shownReason} says it all
   */
  public DocumentRejectedException(String documentId, long version, String errorType, String shownReason, String reason) {
    super(
        rejected(documentId, version) + errorType + ": " + shownReason,
        reason == null ? null : rejected(documentId, version) + errorType + ": " + reason,
        null);
    this.documentId = documentId;
    this.errorType = errorType;
  }

  private static String rejected(String documentId, long version) {
    return "OpenSearch rejected document " + documentId + " (version " + version + "): ";
  }

  public String documentId() {
    return documentId;
  }

  /** OpenSearch's error type, e.g. {@code mapper_parsing_exception}. */
  public String errorType() {
    return errorType;
  }
}
