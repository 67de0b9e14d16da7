package io.cqrssuite.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * Backups in S3 (S3Mock) of tables on the real engines: a restore brings back the old schema (columns, index, check,
 * the view over the table) and the rows exactly, and Flyway's history with them; a damaged backup, or one of a history
 * this database does not descend from, is refused with nothing changed; objects are written with SSE-KMS; retention
 * deletes old backups only.
 */
class BackupStoreTest extends MigrationFixture {
  private String version() {
    return flyway().currentVersion().orElse(null);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aRestoreAfterASchemaChangeBringsBackTheOldSchemaRowsAndHistory(String engineName) throws Exception {
    database(engineName);
    // A fraction with a leading zero: MariaDB's driver once read it back as .49.
    sql("UPDATE item SET synced_at = '2026-01-02 03:04:05.049' WHERE code = 'I-2'");
    List<String> before = itemRows();
    BackupStore backups = backups(settings);
    Backup backup = backups.create(List.of("item", "absent_table"));

    assertThat(backup.schemaVersion()).isEqualTo("1");
    assertThat(backup.table("item")).hasValueSatisfying(t -> assertThat(t.rows()).isEqualTo(ROWS));
    assertThat(backup.table("absent_table")).hasValueSatisfying(t -> assertThat(t.absent()).isTrue());
    assertThat(backup.table(EngineCatalog.HISTORY)).hasValueSatisfying(t -> assertThat(t.rows()).isEqualTo(1));
    JsonNode meta = meta(backup.table("item").orElseThrow().key());
    assertThat(meta.path("table").asText()).isEqualTo("item");
    assertThat(meta.path("dialect").asText()).isEqualTo(engineName);
    assertThat(meta.path("schemaVersion").asText()).isEqualTo("1");
    assertThat(meta.path("count").asLong()).isEqualTo(ROWS);
    assertThat(meta.path("startedAt").asText()).isEqualTo(backup.startedAt().toString());
    assertThat(meta.path("sha256").asText()).hasSize(64);
    assertThat(meta.path("definition").toString()).contains("item_name_idx").contains("item_price_not_negative");
    assertThat(backups.validate(backup.id()).valid()).isTrue();
    assertThat(backups.list()).extracting(Backup::id).containsExactly(backup.id());

    // The migration, a row the sync writes afterwards, and a table the migration made.
    flyway("add-column").migrate(FlywayMigration.AttemptListener.none());
    assertAllSucceeded(target.sync(List.of(change("I-new", 1, "new", 1))));
    sql("CREATE TABLE absent_table (id int PRIMARY KEY)");
    assertThat(version()).isEqualTo("2");

    Restored restored = backups.restore(backup.id(), RestoreOptions.rollback());

    assertThat(restored.rows()).containsEntry("item", (long) ROWS).containsEntry(EngineCatalog.HISTORY, 1L);
    assertThat(restored.dropped()).contains("absent_table");
    assertThat(restored.forced()).isFalse();
    assertThat(columns("item")).doesNotContain("colour").contains("name", "price");
    assertThat(itemRows()).isEqualTo(before);
    assertThat(version()).isEqualTo("1");
    assertThat(scalar("SELECT COUNT(*) FROM item_live")).as("the view over the table works again").isEqualTo(ROWS);
    assertThatThrownBy(() -> sql("UPDATE item SET price = -1 WHERE code = 'I-1'")).as("the check constraint is back")
        .hasMessageContaining("item_price_not_negative");
    assertThat(columns("absent_table")).isEmpty();
    // The schema is the old one again: the same migration applies once more.
    assertThat(flyway("add-column").migrate(FlywayMigration.AttemptListener.none()).migrations()).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aCorruptedBackupIsRefusedWithNothingChanged(String engineName) throws Exception {
    database(engineName);
    BackupStore backups = backups(settings);
    Backup backup = backups.create(List.of("item"));
    flyway("add-column").migrate(FlywayMigration.AttemptListener.none());
    List<String> migrated = itemRows();
    String key = backup.table("item").orElseThrow().key();
    String body = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String();
    s3.putObject(r -> r.bucket(BUCKET).key(key), RequestBody.fromString(body.replace("item 1", "item X")));

    BackupCheck check = backups.validate(backup.id());
    assertThat(check.valid()).isFalse();
    assertThat(check.problems()).singleElement().asString().contains(key).contains("but its sidecar says");
    assertThatThrownBy(() -> backups.restore(backup.id(), RestoreOptions.rollback()))
        .isInstanceOf(BackupRefusedException.class)
        .hasMessageContaining("is refused, nothing was changed")
        .hasMessageContaining("the object was changed or cut");

    assertThat(columns("item")).contains("colour");
    assertThat(itemRows()).isEqualTo(migrated);
    assertThat(version()).isEqualTo("2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql", "mariadb"})
  void aBackupOfAHistoryTheDatabaseDoesNotDescendFromIsRefusedUnlessForced(String engineName) throws Exception {
    database(engineName);
    BackupStore backups = backups(settings);
    Backup backup = backups.create(List.of("item"));
    sql("UPDATE flyway_schema_history SET checksum = 42 WHERE version = '1'");

    assertThatThrownBy(() -> backups.restore(backup.id(), RestoreOptions.manual()))
        .isInstanceOf(BackupRefusedException.class)
        .hasMessageContaining("does not descend from it")
        .hasMessageContaining("checksum 42");
    assertThat(scalar("SELECT checksum FROM flyway_schema_history WHERE version = '1'")).isEqualTo(42);

    Restored forced = backups.restore(backup.id(), new RestoreOptions(true, false));
    assertThat(forced.forced()).isTrue();
    assertThat(scalar("SELECT checksum FROM flyway_schema_history WHERE version = '1'")).isNotEqualTo(42);
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql"})
  void everyObjectIsWrittenWithSseKmsUnderTheConfiguredKey(String engineName) throws Exception {
    database(engineName);
    MigrationSettings encrypted = new MigrationSettings(
        BUCKET, settings.prefix(), KMS_KEY, settings.retention(), settings.lockTimeout(), settings.statementTimeout(), 3,
        settings.backoff());
    Backup backup = backups(encrypted).create(List.of("item"));

    List<String> keys = s3.listObjectsV2Paginator(r -> r.bucket(BUCKET).prefix(settings.prefix())).contents().stream()
        .map(o -> o.key()).toList();
    assertThat(keys).hasSize(6).contains(backup.table("item").orElseThrow().key() + ".sha256");
    for (String key : keys) {
      HeadObjectResponse head = s3.headObject(r -> r.bucket(BUCKET).key(key));
      assertThat(head.serverSideEncryption()).as(key).isEqualTo(ServerSideEncryption.AWS_KMS);
      assertThat(head.ssekmsKeyId()).as(key).isEqualTo(KMS_KEY);
    }
    MigrationSettings unknownKey = new MigrationSettings(
        BUCKET, settings.prefix(), KMS_KEY.replace("0b8a", "ffff"), settings.retention(), settings.lockTimeout(),
        settings.statementTimeout(), 3, settings.backoff());
    assertThatThrownBy(() -> backups(unknownKey).create(List.of("item"))).hasMessageContaining("Invalid keyId");
  }

  @ParameterizedTest
  @ValueSource(strings = {"postgresql"})
  void cleaningDeletesOnlyBackupsOlderThanTheRetention(String engineName) throws Exception {
    database(engineName);
    Instant now = Instant.now();
    Backup old = new BackupStore(s3, settings, connections, JSON, Clock.fixed(now.minus(Duration.ofDays(31)), ZoneOffset.UTC))
        .create(List.of("item"));
    Backup recent = backups(settings).create(List.of("item"));

    List<String> deleted = backups(settings).clean(Duration.ofDays(30));

    assertThat(deleted).containsExactly(old.id());
    assertThat(backups(settings).list()).extracting(Backup::id).containsExactly(recent.id());
    assertThat(s3.listObjectsV2(r -> r.bucket(BUCKET).prefix(settings.prefix() + old.id())).contents()).isEmpty();
  }

  private JsonNode meta(String key) throws Exception {
    String body = s3.getObjectAsBytes(r -> r.bucket(BUCKET).key(key)).asUtf8String();
    return JSON.readTree(body.substring(0, body.indexOf('\n'))).path("__meta__");
  }

  private void sql(String statement) throws Exception {
    try (Connection connection = connect(); Statement s = connection.createStatement()) {
      s.execute(statement);
    }
  }
}
