package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.report.NdjsonReport;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * Writes one table as an NDJSON backup file: its {@code __meta__} line carries the caller's fields and the table's
 * {@code definition}; each further line is one row, a JSON array of the engine's text for each value in column order.
 * Rows stream through a cursor, so no table sits in memory.
 */
final class TableExport {
  private static final int FETCH_SIZE = 1000;

  private final EngineCatalog catalog;
  private final ObjectMapper mapper;

  TableExport(EngineCatalog catalog, ObjectMapper mapper) {
    this.catalog = catalog;
    this.mapper = mapper;
  }

  NdjsonReport.Written write(Connection connection, TableDefinition definition, Path file, ObjectNode fields) throws Exception {
    String columns = definition.columns().stream().map(catalog::selectExpression).collect(Collectors.joining(", "));
    try (NdjsonReport report = NdjsonReport.create(file, mapper);
        Statement statement = connection.createStatement()) {
      statement.setFetchSize(FETCH_SIZE);
      try (ResultSet rows = statement.executeQuery("SELECT " + columns + " FROM " + catalog.quote(definition.table()))) {
        while (rows.next()) {
          ArrayNode line = mapper.createArrayNode();
          for (int i = 0; i < definition.columns().size(); i++) {
            line.add(catalog.readValue(rows, i + 1, definition.columns().get(i)));
          }
          report.line(line);
        }
      }
      ObjectNode meta = fields.deepCopy();
      meta.put("table", definition.table());
      meta.set("definition", definition.toJson(mapper));
      return report.finish(meta);
    }
  }
}
