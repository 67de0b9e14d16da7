package io.cqrssuite.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings from the environment: defaults, a prefix made a folder, and errors that name the variable. */
class MigrationSettingsTest {
  @Test
  void defaultsApplyAndThePrefixBecomesAFolder() {
    MigrationSettings settings = MigrationSettings.fromEnvironment(Map.of(
        "SUITE_BACKUP_BUCKET", "backups", "SUITE_BACKUP_PREFIX", "orders-db", "SUITE_BACKUP_KMS_KEY_ID", "alias/backups"));
    assertThat(settings.requireBucket()).isEqualTo("backups");
    assertThat(settings.prefix()).isEqualTo("orders-db/");
    assertThat(settings.kmsKeyId()).isEqualTo("alias/backups");
    assertThat(settings.retention()).isEqualTo(Duration.ofDays(30));
    assertThat(settings.lockTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.statementTimeout()).isEqualTo(Duration.ofMinutes(10));
    assertThat(settings.attempts()).isEqualTo(3);
    assertThat(settings.backoff()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void noBucketAndBadNumbersFailNamingTheVariable() {
    assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of()).requireBucket())
        .hasMessageContaining("SUITE_BACKUP_BUCKET is not set");
    assertThatThrownBy(() -> MigrationSettings.fromEnvironment(Map.of("SUITE_MIGRATION_ATTEMPTS", "0")))
        .hasMessageContaining("SUITE_MIGRATION_ATTEMPTS");
  }
}
