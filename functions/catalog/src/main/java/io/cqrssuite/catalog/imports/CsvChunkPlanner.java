package io.cqrssuite.catalog.imports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a CSV into chunks of whole records in one sequential read: checks the header, then cuts after every
 * {@code chunkRows} records at a record boundary (so a quoted field's newline never splits a row), noting each
 * chunk's byte range and first line. Blank lines are skipped, CRLF and a last line without a newline are records
 * like any other.
 */
final class CsvChunkPlanner {
  /** A header longer than this is no product header. */
  static final int MAX_HEADER_BYTES = 4_096;

  private final int chunkRows;
  private final int maxChunks;

  CsvChunkPlanner(int chunkRows, int maxChunks) {
    if (chunkRows < 1 || maxChunks < 1) {
      throw new IllegalArgumentException("chunkRows and maxChunks must be positive, found " + chunkRows + " and " + maxChunks);
    }
    this.chunkRows = chunkRows;
    this.maxChunks = maxChunks;
  }

  /** The chunks and totals of one CSV. */
  record Plan(List<CsvChunk> chunks, long rows, long bytes) {}

  /**
   * @throws CsvHeaderException the header is not the product header (or there is none)
   * @throws CsvTooLargeException more than {@code maxChunks} chunks would be needed
   */
  Plan plan(InputStream in) {
    try {
      return scan(in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the CSV failed", e);
    }
  }

  private Plan scan(InputStream in) throws IOException {
    CsvRecordScanner scanner = new CsvRecordScanner(1);
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    boolean inHeader = true;
    List<CsvChunk> chunks = new ArrayList<>();
    long offset = 0;
    long recordStart = 0;
    long recordLine = 1;
    boolean recordBlank = true;
    long chunkStart = -1;
    long chunkLine = 0;
    int chunkCount = 0;
    long rows = 0;
    byte[] buffer = new byte[64 * 1024];
    int read;
    while ((read = in.read(buffer)) > 0) {
      for (int i = 0; i < read; i++) {
        byte b = buffer[i];
        boolean ended = scanner.feed(b);
        offset++;
        if (inHeader) {
          if (header.size() >= MAX_HEADER_BYTES) {
            throw new CsvHeaderException("line 1: the header is longer than " + MAX_HEADER_BYTES + " bytes; expected " + String.join(",", ProductCsv.COLUMNS));
          }
          header.write(b);
          if (ended) {
            ProductCsv.checkHeader(header.toByteArray());
            inHeader = false;
            recordStart = offset;
            recordLine = scanner.line();
          }
          continue;
        }
        if (b != '\n' && b != '\r') {
          recordBlank = false;
        }
        if (ended) {
          if (!recordBlank) {
            if (chunkStart < 0) {
              chunkStart = recordStart;
              chunkLine = recordLine;
            }
            chunkCount++;
            rows++;
            if (chunkCount == chunkRows) {
              chunks.add(chunk(chunks.size(), chunkStart, offset, chunkLine, chunkCount));
              chunkStart = -1;
              chunkCount = 0;
            }
          }
          recordStart = offset;
          recordLine = scanner.line();
          recordBlank = true;
        }
      }
    }
    if (inHeader) {
      if (header.size() == 0) {
        throw new CsvHeaderException("line 1: the file is empty; expected the header " + String.join(",", ProductCsv.COLUMNS));
      }
      ProductCsv.checkHeader(header.toByteArray());
    } else if (!recordBlank) {
      // The last record has no line feed (or an unterminated quote ran to the end): it is a record all the same.
      if (chunkStart < 0) {
        chunkStart = recordStart;
        chunkLine = recordLine;
      }
      chunkCount++;
      rows++;
    }
    if (chunkCount > 0) {
      chunks.add(chunk(chunks.size(), chunkStart, offset, chunkLine, chunkCount));
    }
    return new Plan(List.copyOf(chunks), rows, offset);
  }

  private CsvChunk chunk(int index, long start, long end, long line, int count) {
    if (index >= maxChunks) {
      throw new CsvTooLargeException(
          "the file needs more than " + maxChunks + " chunks of " + chunkRows + " rows; raise SUITE_IMPORT_CHUNK_ROWS or split the file");
    }
    return new CsvChunk(index, start, end, line, count);
  }
}
