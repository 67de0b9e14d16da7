package io.cqrssuite.sync.opensearch;

import io.cqrssuite.failure.FailureKind;
import io.cqrssuite.failure.TransientException;
import io.cqrssuite.sync.SyncOutcome;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opensearch.client.opensearch._types.ErrorCause;
import org.opensearch.client.opensearch.core.bulk.BulkResponseItem;

/**
 * Reads one {@code _bulk} item result as a {@link SyncOutcome} (contract §2, §4):
 *
 * <ul>
 *   <li>2xx: applied;
 *   <li>409 {@code version_conflict_engine_exception}: the index holds this version or a newer one, so a duplicate
 *       when the stored version equals the incoming one and stale otherwise; both succeed;
 *   <li>400 (a value the mapping cannot parse, an illegal argument): permanent, naming the document;
 *   <li>anything else (429 rejections, 5xx, a blocked index during a rebuild, a missing alias): transient.
 * </ul>
 */
final class BulkItemOutcomes {
  static final String VERSION_CONFLICT = "version_conflict_engine_exception";
  /** "[id]: version conflict, current version [7] is higher or equal to the one provided [5]". */
  private static final Pattern CURRENT_VERSION = Pattern.compile("current version \\[(-?\\d+)]");
  /** "failed to parse field [price] of type [long] in document with id ...": a field's path and its mapped type. */
  private static final Pattern FIELD = Pattern.compile("field \\[([\\w.@-]{1,256})](?: of type \\[(\\w{1,64})])?");

  private BulkItemOutcomes() {}

  static SyncOutcome of(BulkResponseItem item, BulkAction action) {
    int status = item.status();
    ErrorCause error = item.error();
    if (error == null && status >= 200 && status < 300) {
      return SyncOutcome.APPLIED;
    }
    String type = error == null ? "http_status_" + status : error.type();
    String reason = error == null ? "no error details" : describe(error);
    String shown = error == null ? reason : shown(error);
    long version = action.change().version();
    if (status == 409 && VERSION_CONFLICT.equals(type)) {
      long stored = storedVersion(reason);
      return stored == version ? SyncOutcome.DUPLICATE : new SyncOutcome.Stale(stored);
    }
    if (status == 400) {
      return new SyncOutcome.Failed(
          new DocumentRejectedException(action.change().id(), version, type, shown, reason), FailureKind.PERMANENT);
    }
    String failed =
        "OpenSearch could not write document " + action.change().id() + " (version " + version + "): HTTP " + status
            + " " + type + ": ";
    return new SyncOutcome.Failed(new TransientException(failed + shown, failed + reason, null), FailureKind.TRANSIENT);
  }

  /**
   * What logs and alarms may say of an item error: the field and type OpenSearch names ({@code failed to parse field
   * [price] of type [long]}) and the types of its causes, never the reason's free text, which quotes the field's
   * value ("Preview of field's value: ...") and the parser's input (contract §5).
   */
  static String shown(ErrorCause error) {
    StringBuilder text = new StringBuilder();
    Matcher field = FIELD.matcher(String.valueOf(error.reason()));
    if (field.find()) {
      text.append("field [").append(field.group(1)).append(']');
      if (field.group(2) != null) {
        text.append(" of type [").append(field.group(2)).append(']');
      }
    } else {
      text.append("reason withheld: it may quote the document");
    }
    for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
      text.append(" (caused by ").append(cause.type()).append(')');
    }
    return text.toString();
  }

  /** The stored version a conflict names, or -1 when the message does not say. */
  static long storedVersion(String reason) {
    Matcher matcher = CURRENT_VERSION.matcher(reason);
    return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
  }

  static String describe(ErrorCause error) {
    StringBuilder text = new StringBuilder(String.valueOf(error.reason()));
    for (ErrorCause cause = error.causedBy(); cause != null; cause = cause.causedBy()) {
      text.append(" (caused by ").append(cause.type()).append(": ").append(cause.reason()).append(')');
    }
    return text.toString();
  }
}
