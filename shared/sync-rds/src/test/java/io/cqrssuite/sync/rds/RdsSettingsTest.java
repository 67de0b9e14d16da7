package io.cqrssuite.sync.rds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class RdsSettingsTest {
  @Test
  void defaultsKeepTombstonesSixteenDaysAndUseThePassword() {
    RdsSettings settings =
        RdsSettings.fromEnvironment(
            Map.of("SUITE_RDS_URL", "jdbc:postgresql://db:5432/catalog", "SUITE_RDS_USER", "sync", "SUITE_RDS_PASSWORD", "pw"));

    assertThat(settings.tombstoneRetention()).isEqualTo(Duration.ofHours(384));
    assertThat(settings.iamAuth()).isFalse();
    assertThat(settings.dialect()).isInstanceOf(PostgresDialect.class);
    assertThat(settings.passwordSource().password()).isEqualTo("pw");
    assertThat(settings.toString()).doesNotContain("pw,").contains("***");
  }

  @Test
  void badValuesAreRefusedByName() {
    assertThatThrownBy(() -> RdsSettings.fromEnvironment(Map.of())).hasMessageContaining("SUITE_RDS_URL");
    assertThatThrownBy(
            () ->
                RdsSettings.fromEnvironment(
                    Map.of("SUITE_RDS_URL", "jdbc:mariadb://db/x", "SUITE_TOMBSTONE_RETENTION_HOURS", "0")))
        .hasMessageContaining("SUITE_TOMBSTONE_RETENTION_HOURS");
    assertThatThrownBy(
            () -> RdsSettings.fromEnvironment(Map.of("SUITE_RDS_URL", "jdbc:mariadb://db/x", "SUITE_RDS_IAM_AUTH", "yes")))
        .hasMessageContaining("SUITE_RDS_IAM_AUTH");
  }

  @Test
  void iamAuthSignsATokenForTheUrlsHostAndPortWithoutCallingAws() {
    RdsIamAuthToken token =
        new RdsIamAuthToken(
            "ap-northeast-1",
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")),
            "proxy.example.internal",
            3306,
            "sync");

    assertThat(token.password())
        .startsWith("proxy.example.internal:3306/?")
        .contains("Action=connect", "DBUser=sync", "X-Amz-Signature=");
  }

  @Test
  void migrationsAreReadFromTheFunctionsOwnResourcesUnlessNamedWithTheDialectFilledIn() {
    RdsSettings byDefault = RdsSettings.fromEnvironment(Map.of("SUITE_RDS_URL", "jdbc:postgresql://db:5432/catalog"));
    RdsSettings named =
        RdsSettings.fromEnvironment(
            Map.of(
                "SUITE_RDS_URL", "jdbc:mariadb://db:3306/catalog",
                "SUITE_RDS_MIGRATIONS", "classpath:orders/{dialect}, filesystem:/opt/sql/{dialect}/extra"));

    assertThat(byDefault.migrationLocations()).containsExactly("classpath:db/migration/postgresql");
    assertThat(named.migrationLocations()).containsExactly("classpath:orders/mariadb", "filesystem:/opt/sql/mariadb/extra");
    assertThatThrownBy(
            () ->
                RdsSettings.fromEnvironment(
                    Map.of("SUITE_RDS_URL", "jdbc:postgresql://db/catalog", "SUITE_RDS_MIGRATIONS", " , ")))
        .hasMessageContaining("SUITE_RDS_MIGRATIONS names no location");
  }
}
