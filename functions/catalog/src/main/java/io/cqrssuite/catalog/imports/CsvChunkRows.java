package io.cqrssuite.catalog.imports;

import java.util.ArrayList;
import java.util.List;

/** Splits a chunk's bytes into records and checks each one as a product row, with its line number. */
final class CsvChunkRows {
  private CsvChunkRows() {}

  /** The rows of {@code bytes}, the content of a chunk whose first record starts on {@code firstLine}. */
  static List<ProductCsv.Row> read(byte[] bytes, long firstLine) {
    List<ProductCsv.Row> rows = new ArrayList<>();
    CsvRecordScanner scanner = new CsvRecordScanner(firstLine);
    int start = 0;
    long line = firstLine;
    for (int i = 0; i < bytes.length; i++) {
      if (scanner.feed(bytes[i])) {
        add(rows, bytes, start, i + 1, line);
        start = i + 1;
        line = scanner.line();
      }
    }
    if (start < bytes.length) {
      if (scanner.insideQuotes()) {
        rows.add(new ProductCsv.Rejected(line, "a quoted field opened on this line is never closed"));
      } else {
        add(rows, bytes, start, bytes.length, line);
      }
    }
    return rows;
  }

  private static void add(List<ProductCsv.Row> rows, byte[] bytes, int start, int end, long line) {
    ProductCsv.Row row = ProductCsv.row(bytes, start, end - start, line);
    if (row != null) {
      rows.add(row);
    }
  }
}
