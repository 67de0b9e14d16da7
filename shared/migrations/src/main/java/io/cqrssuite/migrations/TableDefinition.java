package io.cqrssuite.migrations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Enough of a table's definition to create it again, as it was when backed up: a rollback after a schema change must
 * bring the old schema back, not only its rows. PostgreSQL has no {@code SHOW CREATE TABLE}, so there the columns
 * (type, nullability, default), the constraints (primary key, unique, check, foreign keys) and the other indexes are
 * read from the catalog and the statement is rebuilt from them; MariaDB gives its own {@code createSql}.
 *
 * @param columns in their order in the table, which is the order of each backed-up row's values
 * @param constraints PostgreSQL: {@code CONSTRAINT name definition}, as {@code pg_get_constraintdef} prints it
 * @param indexes PostgreSQL: the indexes no constraint backs, as {@code pg_get_indexdef} prints them
 * @param createSql MariaDB: {@code SHOW CREATE TABLE}'s statement
 * @param views PostgreSQL: the views that read the table, which a {@code DROP TABLE} would refuse to leave behind, so a
 *     restore drops and creates them again (MariaDB resolves a view's tables by name when it runs: nothing to do)
 */
record TableDefinition(
    String table, List<Column> columns, List<String> constraints, List<String> indexes, String createSql, List<View> views) {
  TableDefinition {
    views = List.copyOf(views);
    columns = List.copyOf(columns);
    constraints = List.copyOf(constraints);
    indexes = List.copyOf(indexes);
  }

  /**
   * One column.
   *
   * @param type the engine's own spelling ({@code character varying(200)}, {@code varchar(200)})
   * @param binary whether its values are bytes, kept as base64 in a backup
   */
  record Column(String name, String type, boolean nullable, String defaultValue, boolean binary) {}

  /** A view reading the table: its name and its {@code SELECT}, as {@code pg_get_viewdef} prints it. */
  record View(String name, String query) {}

  ObjectNode toJson(ObjectMapper mapper) {
    ObjectNode json = mapper.createObjectNode();
    json.put("table", table);
    var columnsJson = json.putArray("columns");
    for (Column column : columns) {
      ObjectNode c = columnsJson.addObject();
      c.put("name", column.name()).put("type", column.type()).put("nullable", column.nullable());
      if (column.defaultValue() != null) {
        c.put("default", column.defaultValue());
      }
      if (column.binary()) {
        c.put("binary", true);
      }
    }
    constraints.forEach(json.putArray("constraints")::add);
    indexes.forEach(json.putArray("indexes")::add);
    if (createSql != null) {
      json.put("createSql", createSql);
    }
    var viewsJson = json.putArray("views");
    views.forEach(v -> viewsJson.addObject().put("name", v.name()).put("query", v.query()));
    return json;
  }

  static TableDefinition fromJson(JsonNode json) {
    List<Column> columns = new ArrayList<>();
    for (JsonNode c : json.path("columns")) {
      columns.add(new Column(
          c.path("name").asText(), c.path("type").asText(), c.path("nullable").asBoolean(),
          c.hasNonNull("default") ? c.get("default").asText() : null, c.path("binary").asBoolean(false)));
    }
    List<String> constraints = new ArrayList<>();
    json.path("constraints").forEach(n -> constraints.add(n.asText()));
    List<String> indexes = new ArrayList<>();
    json.path("indexes").forEach(n -> indexes.add(n.asText()));
    List<View> views = new ArrayList<>();
    json.path("views").forEach(v -> views.add(new View(v.path("name").asText(), v.path("query").asText())));
    return new TableDefinition(
        json.path("table").asText(), columns, constraints, indexes,
        json.hasNonNull("createSql") ? json.get("createSql").asText() : null, views);
  }

  List<String> columnNames() {
    return columns.stream().map(Column::name).toList();
  }
}
