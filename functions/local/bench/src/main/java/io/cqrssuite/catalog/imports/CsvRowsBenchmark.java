package io.cqrssuite.catalog.imports;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A chunk of product rows to checked product images, per row: the import's {@link CsvChunkRows} (record ends
 * scanned, each record parsed RFC 4180 style, every column checked, the image built), against
 * {@code String.split} of the same text into lines and fields, which neither honours quotes nor checks anything.
 *
 * <p>In this package (in the bench module) because the chunk reader is, rightly, not API.
 */
@State(Scope.Benchmark)
public class CsvRowsBenchmark {
  private static final int ROWS = CsvScanBenchmark.ROWS;

  private byte[] chunk;

  @Setup
  public void setUp() {
    chunk = CsvScanBenchmark.chunk(ROWS);
    List<ProductCsv.Row> rows = suite();
    long valid = rows.stream().filter(ProductCsv.Valid.class::isInstance).count();
    if (valid != ROWS) {
      throw new IllegalStateException(
          "only " + valid + " of " + ROWS + " generated rows are valid products; first: " + rows.get(0));
    }
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public List<ProductCsv.Row> suite() {
    return CsvChunkRows.read(chunk, 2);
  }

  @Benchmark
  @OperationsPerInvocation(ROWS)
  public int baseline() {
    int fields = 0;
    for (String line : new String(chunk, StandardCharsets.UTF_8).split("\n")) {
      fields += line.split(",", -1).length;
    }
    return fields;
  }
}
