package io.cqrssuite.catalog.imports;

import io.cqrssuite.failure.PermanentException;

/** The CSV would need more chunks than one workflow's state can list (the Map's items travel in the state). */
public final class CsvTooLargeException extends PermanentException {
  public CsvTooLargeException(String message) {
    super(message);
  }
}
