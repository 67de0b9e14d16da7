package io.cqrssuite.catalog.imports;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * CSV row scanning, per row, over a chunk of {@value #ROWS} product rows (one in four with a quoted comma): the
 * import's {@link CsvRecordScanner} finding record ends (quotes respected, lines counted), against a bare loop that
 * counts line feeds and knows nothing of quotes.
 *
 * <p>In this package (in the bench module) because the scanner is, rightly, not API.
 */
@State(Scope.Benchmark)
public class CsvScanBenchmark {
  static final int ROWS = 1000;

  private byte[] chunk;

  @Setup
  public void setUp() {
    chunk = chunk(ROWS);
    if (records() != ROWS) {
      throw new IllegalStateException("the scanner found " + records() + " records in " + ROWS + " rows");
    }
  }

  /** {@code rows} valid product rows, without the header, as a chunk of the import holds them. */
  static byte[] chunk(int rows) {
    StringBuilder csv = new StringBuilder(rows * 80);
    List<String> categories = List.of("kitchen", "outdoor", "accessories", "books");
    for (int i = 0; i < rows; i++) {
      String description = i % 4 == 0 ? "\"Boils, whistles\"" : "Sturdy and light";
      csv.append("acme,P-").append(String.format("%05d", i)).append(",Product ").append(i).append(',')
          .append(description).append(',').append(1000 + i * 7).append(',').append(categories.get(i % 4))
          .append(",steel|gift,").append(i % 3 != 0).append('\n');
    }
    return csv.toString().getBytes(StandardCharsets.UTF_8);
  }

  private int records() {
    CsvRecordScanner scanner = new CsvRecordScanner(1);
    int records = 0;
    for (byte b : chunk) {
      if (scanner.feed(b)) {
        records++;
      }
    }
    return records;
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int suite() {
    return records();
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int baseline() {
    int records = 0;
    for (byte b : chunk) {
      if (b == '\n') {
        records++;
      }
    }
    return records;
  }
}
