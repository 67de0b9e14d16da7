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

  private BulkItemOutcomes() {}

  static SyncOutcome of(BulkResponseItem item, BulkAction action) {
    int status = item.status();
    ErrorCause error = item.error();
    if (error == null && status >= 200 && status < 300) {
      return SyncOutcome.APPLIED;
    }
    String type = error == null ? "http_status_" + status : error.type();
    String reason = error == null ? "no error details" : describe(error);
    long version = action.change().version();
    if (status == 409 && VERSION_CONFLICT.equals(type)) {
      long stored = storedVersion(reason);
      return stored == version ? SyncOutcome.DUPLICATE : new SyncOutcome.Stale(stored);
    }
    if (status == 400) {
      return new SyncOutcome.Failed(
          new DocumentRejectedException(action.change().id(), version, type, reason), FailureKind.PERMANENT);
    }
    return new SyncOutcome.Failed(
        new TransientException(
            "OpenSearch could not write document " + action.change().id() + " (version " + version + "): HTTP "
                + status + " " + type + ": " + reason),
        FailureKind.TRANSIENT);
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
