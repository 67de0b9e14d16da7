package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A backed-up table as downloaded and checked: its definition and row count from the {@code __meta__} line, its rows
 * read again from the file as they are restored.
 */
record TableImage(String table, TableDefinition definition, long rows, ObjectNode meta, Path file) {
  /** A row's values in column order. */
  @FunctionalInterface
  interface RowSink {
    void accept(ArrayNode row) throws Exception;
  }

  static TableImage of(ObjectNode meta, Path file) {
    return new TableImage(
        meta.path("table").asText(), TableDefinition.fromJson(meta.path("definition")), meta.path("count").asLong(), meta, file);
  }

  /** Streams the rows (every line after the first). */
  void forEachRow(ObjectMapper mapper, RowSink sink) throws Exception {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      reader.readLine();
      // Line by line: Jackson's value iterator would unwrap a row's array into its values.
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        JsonNode row = mapper.readTree(line);
        if (!row.isArray() || row.size() != definition.columns().size()) {
          throw new IOException(file + ": a row of table " + table + " does not hold " + definition.columns().size() + " values");
        }
        sink.accept((ArrayNode) row);
      }
    }
  }
}
