package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandSettingsTest {
  @Test
  void dataAndHistoryTablesAreNamedAfterTheCommandTableByDefault() {
    CommandSettings settings = CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", " dev-catalog-product-command ")).orElseThrow();

    assertThat(settings.tables()).isEqualTo(new CommandTables("dev-catalog-product-command", "dev-catalog-product-data", "dev-catalog-product-history"));
    assertThat(settings.bucket()).isNull();
    assertThat(settings.offloadThresholdBytes()).isEqualTo(65_536);
    assertThat(settings.commandTtl()).isEqualTo(Duration.ZERO);
  }

  @Test
  void everySettingIsReadFromItsVariable() {
    CommandSettings settings = CommandSettings.fromEnvironment(Map.of(
            "SUITE_COMMAND_TABLE", "p_command", "SUITE_COMMAND_DATA_TABLE", "q_data", "SUITE_COMMAND_HISTORY_TABLE", "r_history",
            "SUITE_COMMAND_BUCKET", "cmd-bucket", "SUITE_COMMAND_OFFLOAD_BYTES", "2048", "SUITE_COMMAND_TTL_DAYS", "30"))
        .orElseThrow();

    assertThat(settings).isEqualTo(new CommandSettings(new CommandTables("p_command", "q_data", "r_history"), "cmd-bucket", 2048, Duration.ofDays(30)));
  }

  @Test
  void withoutACommandTableTheServiceIsNotConfigured() {
    assertThat(CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_BUCKET", "b"))).isEmpty();
  }

  @Test
  void tablesNamedByConfigurationMayHaveAnyNameAndOnlyDerivedNamesNeedTheSuffix() {
    // Which table is which comes from the variables, never from a name's suffix.
    CommandTables named =
        CommandSettings.fromEnvironment(
                Map.of("SUITE_COMMAND_TABLE", "p-log", "SUITE_COMMAND_DATA_TABLE", "p-latest", "SUITE_COMMAND_HISTORY_TABLE", "p-past"))
            .orElseThrow()
            .tables();
    assertThat(named).isEqualTo(new CommandTables("p-log", "p-latest", "p-past"));
    assertThat(CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", "p-command", "SUITE_COMMAND_DATA_TABLE", "p-latest"))
            .orElseThrow().tables())
        .isEqualTo(new CommandTables("p-command", "p-latest", "p-history"));
    assertThatThrownBy(() -> CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", "products")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUITE_COMMAND_DATA_TABLE");
  }

  @Test
  void outOfRangeNumbersAreRefused() {
    assertThatThrownBy(() -> CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", "p-command", "SUITE_COMMAND_OFFLOAD_BYTES", "500000")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUITE_COMMAND_OFFLOAD_BYTES");
    assertThatThrownBy(() -> CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", "p-command", "SUITE_COMMAND_TTL_DAYS", "-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUITE_COMMAND_TTL_DAYS");
    assertThatThrownBy(() -> CommandSettings.fromEnvironment(Map.of("SUITE_COMMAND_TABLE", "p-command", "SUITE_COMMAND_TTL_DAYS", "soon")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SUITE_COMMAND_TTL_DAYS");
  }
}
