package io.cqrssuite.sync.rds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.fixtures.SampleEvents;
import io.cqrssuite.event.ChangeRecord;
import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.factory.DefaultEventFactory;
import io.cqrssuite.factory.EventDecoder;
import io.cqrssuite.factory.EventJson;
import io.cqrssuite.testing.engine.SqlEngine;
import io.cqrssuite.testing.engine.TestEngines;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One engine with the product schema migrated and a sync handler on it, shared by the RDS tests of one JVM (the
 * engines start once, see {@link TestEngines}). Tests write entities with fresh codes, so they never see each
 * other's rows; a separate autocommit connection reads what the handler wrote.
 */
final class RdsFixture {
  static final Path ROOT = SampleEvents.repositoryRoot();
  private static final ObjectMapper JSON = EventJson.newMapper();

  final SqlEngine engine;
  final RdsConnections connections;
  final RdsSchema schema;
  final RdsSyncHandler handler;
  private final Connection reader;

  private RdsFixture(SqlEngine engine) throws SQLException {
    this.engine = engine;
    new SchemaMigrations(engine.jdbcUrl(), engine.user(), PasswordSource.fixed(engine.password()))
        .migrate(SchemaMigrations.classpathLocation(SqlDialect.forJdbcUrl(engine.jdbcUrl())));
    this.connections = connectionsTo(engine.jdbcUrl());
    this.schema = new RdsSchema(connections, List.of(ProductTable.product()));
    this.handler = new RdsSyncHandler(connections, schema, Clock.systemUTC());
    this.reader = DriverManager.getConnection(engine.jdbcUrl(), engine.user(), engine.password());
  }

  static RdsFixture of(String engine) {
    return switch (engine) {
      case "postgresql" -> PostgresHolder.FIXTURE;
      case "mariadb" -> MariaDbHolder.FIXTURE;
      default -> throw new IllegalArgumentException(engine);
    };
  }

  RdsConnections connectionsTo(String url) {
    return new RdsConnections(
        SqlDialect.forJdbcUrl(url), url, engine.user(), PasswordSource.fixed(engine.password()));
  }

  /** A handler of its own (own connection) with another clock, mappings or batch size. */
  RdsSyncHandler handler(Clock clock, List<RdsTableMapping> mappings, int maxBatchRows) {
    RdsConnections own = connectionsTo(engine.jdbcUrl());
    return new RdsSyncHandler(own, new RdsSchema(own, mappings), clock, maxBatchRows);
  }

  static String newCode() {
    return "P-" + UUID.randomUUID();
  }

  static String idOf(String code) {
    return ChangeRecord.idOf("PRODUCT#acme", code);
  }

  /** A product change as the command table's stream delivers it, with its full image. */
  static ChangeRecord product(String code, long version, boolean deleted, Consumer<ObjectNode> customise) {
    ObjectNode image = JSON.createObjectNode();
    image.put("pk", "PRODUCT#acme");
    image.put("sk", code + "@" + String.format("%010d", version));
    image.put("id", idOf(code));
    image.put("code", code);
    image.put("tenantCode", "acme");
    image.put("version", version);
    image.put("name", "Trail Running Shoes v" + version);
    image.put("description", "Lightweight trail shoes");
    image.put("price", 129800 + version);
    image.put("category", "shoes");
    image.putArray("tags").add("running").add("outdoor");
    image.put("isActive", true);
    image.put("isDeleted", deleted);
    image.put("createdAt", "2026-11-25T00:05:00.000Z");
    image.put("updatedAt", "2026-11-25T00:10:11.000Z");
    image.putObject("dimensions").put("width", new java.math.BigDecimal("12.5")).put("unit", "cm");
    customise.accept(image);
    return new ChangeRecord("product-command", "PRODUCT#acme", code, idOf(code), version, deleted, image);
  }

  static ChangeRecord product(String code, long version) {
    return product(code, version, false, image -> {});
  }

  static ChangeRecord tombstone(String code, long version) {
    return product(code, version, true, image -> {});
  }

  /** The stream records of a sample under {@code events/}, as the decoder turns them into events. */
  static List<DataChangeEvent> sampleEvents(String relative) {
    EventDecoder decoder = new EventDecoder(JSON, new DefaultEventFactory());
    try (InputStream in = Files.newInputStream(ROOT.resolve("events").resolve(relative))) {
      return decoder.decode(in).records().stream()
          .flatMap(record -> record.events().stream())
          .map(DataChangeEvent.class::cast)
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A row as stored, or empty. */
  Optional<StoredRow> row(String id) throws SQLException {
    String sql =
        "SELECT id, version, is_deleted, name, price, tags, attributes, created_at, synced_at FROM product WHERE id = ?";
    try (PreparedStatement statement = reader.prepareStatement(sql)) {
      statement.setString(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        if (!rows.next()) {
          return Optional.empty();
        }
        long price = rows.getLong("price");
        Long storedPrice = rows.wasNull() ? null : price;
        return Optional.of(
            new StoredRow(
                rows.getString("id"),
                rows.getLong("version"),
                rows.getBoolean("is_deleted"),
                rows.getString("name"),
                storedPrice,
                json(rows.getString("tags")),
                json(rows.getString("attributes")),
                instant(rows, "created_at"),
                instant(rows, "synced_at")));
      }
    }
  }

  /** Whether the live view (what queries read) shows the entity. */
  boolean visibleLive(String id) throws SQLException {
    try (PreparedStatement statement = reader.prepareStatement("SELECT count(*) FROM product_live WHERE id = ?")) {
      statement.setString(1, id);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getLong(1) == 1;
      }
    }
  }

  void execute(String sql) throws SQLException {
    try (Statement statement = reader.createStatement()) {
      statement.execute(sql);
    }
  }

  /** Ends the handler's pooled connection from the server side, as a failover or an idle timeout would. */
  void killHandlerConnection() throws SQLException {
    long id;
    String whoAmI = engine.name().equals("postgresql") ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
    try (RdsConnections.Lease lease = connections.borrow()) {
      Connection kept = lease.connection();
      try (Statement statement = kept.createStatement(); ResultSet rows = statement.executeQuery(whoAmI)) {
        rows.next();
        id = rows.getLong(1);
      }
      kept.commit();
    }
    execute(engine.name().equals("postgresql") ? "SELECT pg_terminate_backend(" + id + ")" : "KILL " + id);
  }

  private Instant instant(ResultSet rows, String column) throws SQLException {
    if (engine.name().equals("postgresql")) {
      OffsetDateTime value = rows.getObject(column, OffsetDateTime.class);
      return value == null ? null : value.toInstant();
    }
    LocalDateTime value = rows.getObject(column, LocalDateTime.class);
    return value == null ? null : value.toInstant(ZoneOffset.UTC);
  }

  private static JsonNode json(String text) {
    try {
      return text == null ? null : JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  record StoredRow(
      String id,
      long version,
      boolean deleted,
      String name,
      Long price,
      JsonNode tags,
      JsonNode attributes,
      Instant createdAt,
      Instant syncedAt) {}

  private static RdsFixture start(String engine) {
    try {
      return new RdsFixture(TestEngines.named(engine));
    } catch (SQLException e) {
      throw new IllegalStateException("could not prepare the " + engine + " fixture: " + e.getMessage(), e);
    }
  }

  private static final class PostgresHolder {
    static final RdsFixture FIXTURE = start("postgresql");
  }

  private static final class MariaDbHolder {
    static final RdsFixture FIXTURE = start("mariadb");
  }
}
