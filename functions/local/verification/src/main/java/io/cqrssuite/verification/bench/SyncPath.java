package io.cqrssuite.verification.bench;

import io.cqrssuite.verification.workload.ProductCommand;
import java.util.List;

/**
 * One way of bringing both read models to the state of a command log, measured by the bench: the suite itself, the
 * naive per-document sync, or the bare bulk limit. A path keeps what it connects once (a warm container, an open
 * connection) across its warm-up and its measured run.
 */
sealed interface SyncPath extends AutoCloseable permits SuitePath, NaivePath, RawLimitPath {
  /** The name in the bench's table: {@code suite}, {@code naive}, {@code raw limit}. */
  String name();

  /** How the path works, for the line under the table. */
  String description();

  /**
   * Writes every command, in order, to both read models and makes the documents searchable; the timing covers
   * exactly that. Preparing the input the path receives from outside (the stream's event JSON) is not timed.
   */
  Timing write(List<ProductCommand> commands, Progress progress) throws Exception;

  /**
   * What one run took.
   *
   * @param failures records or requests the path itself saw fail (the read-model check shows their effect)
   * @param detail where the time went, as far as the path can tell from outside its targets
   */
  record Timing(long nanos, long failures, String detail) {
    double seconds() {
      return nanos / 1e9;
    }
  }

  @Override
  void close();
}
