package io.cqrssuite.catalog.imports;

/**
 * A byte range of the CSV holding whole records, the unit of work of one chunk task.
 *
 * @param startByte the first byte of the chunk's first record
 * @param endByte one past the chunk's last byte (the end of a record, or of the object)
 * @param firstLine the physical line (1-based, the header is line 1) the first record starts on
 * @param rows records in the range, blank lines not counted
 */
public record CsvChunk(int index, long startByte, long endByte, long firstLine, int rows) {
  public CsvChunk {
    if (index < 0 || startByte < 0 || endByte <= startByte || firstLine < 1 || rows < 1) {
      throw new IllegalArgumentException(
          "a chunk needs index >= 0, 0 <= startByte < endByte, firstLine >= 1, rows >= 1; found index "
              + index + ", bytes " + startByte + ".." + endByte + ", line " + firstLine + ", rows " + rows);
    }
  }

  /** The HTTP {@code Range} header for this chunk (inclusive end). */
  String httpRange() {
    return "bytes=" + startByte + "-" + (endByte - 1);
  }
}
