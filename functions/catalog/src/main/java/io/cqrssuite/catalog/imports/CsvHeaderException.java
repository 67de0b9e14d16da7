package io.cqrssuite.catalog.imports;

import io.cqrssuite.failure.PermanentException;

/** The CSV's first line is not the product header: nothing in the file can be imported. */
public final class CsvHeaderException extends PermanentException {
  public CsvHeaderException(String message) {
    super(message);
  }
}
