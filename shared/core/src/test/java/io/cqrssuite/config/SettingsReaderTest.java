package io.cqrssuite.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsReaderTest {
  @Test
  void blankCountsAsUnsetSoTheDefaultApplies() {
    SettingsReader settings = new SettingsReader(Map.of("SUITE_A", "  ", "SUITE_B", " 7 "));

    assertThat(settings.text("SUITE_A")).isEmpty();
    assertThat(settings.positiveInt("SUITE_A", 3)).isEqualTo(3);
    assertThat(settings.positiveInt("SUITE_B", 3)).isEqualTo(7);
    assertThat(settings.flag("SUITE_A", true)).isTrue();
  }

  @Test
  void aValueThatDoesNotParseNamesTheVariableWhatItMustBeAndWhatWasFound() {
    SettingsReader settings =
        new SettingsReader(Map.of("SUITE_N", "three", "SUITE_Z", "0", "SUITE_BIG", "3000000000", "SUITE_F", "yes"));

    assertThatThrownBy(() -> settings.positiveInt("SUITE_N", 1))
        .hasMessage("SUITE_N must be a positive integer, found 'three'");
    assertThatThrownBy(() -> settings.positiveInt("SUITE_Z", 1))
        .hasMessage("SUITE_Z must be a positive integer, found '0'");
    assertThat(settings.nonNegativeLong("SUITE_Z", 5)).isZero();
    assertThatThrownBy(() -> settings.positiveInt("SUITE_BIG", 1))
        .hasMessage("SUITE_BIG must be at most 2147483647, found '3000000000'");
    assertThat(settings.positiveLong("SUITE_BIG", 1)).isEqualTo(3_000_000_000L);
    assertThatThrownBy(() -> settings.flag("SUITE_F", false)).hasMessage("SUITE_F must be true or false, found 'yes'");
  }

  @Test
  void aChoiceIsOneOfItsOptionsInAnyCase() {
    SettingsReader settings = new SettingsReader(Map.of("SUITE_MODE", "Workflow", "SUITE_BAD", "both"));

    assertThat(settings.choice("SUITE_MODE", "direct", "direct", "workflow")).isEqualTo("workflow");
    assertThat(settings.choice("SUITE_UNSET", "direct", "direct", "workflow")).isEqualTo("direct");
    assertThatThrownBy(() -> settings.choice("SUITE_BAD", "direct", "direct", "workflow"))
        .hasMessage("SUITE_BAD must be direct or workflow, found 'both'");
  }
}
