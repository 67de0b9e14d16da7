package io.cqrssuite.bench.cold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The split of a class-load log at the probe's two timestamps (epoch microseconds against milliseconds). */
class ClassCensusTest {
  @TempDir Path dir;

  @Test
  void classesUpToConstructionAreInitThenUpToReturnTheFirstEventAndLaterOnesAreLeftOut() throws Exception {
    Path log = dir.resolve("classes.log");
    Files.writeString(log, String.join("\n",
        "[1000ms] java.lang.Object source: shared objects file",
        "[1001ms] io.cqrssuite.Handler source: file:/tmp/catalog-lambda.jar",
        "[1002ms] com.fasterxml.jackson.databind.ObjectMapper source: file:/tmp/catalog-lambda.jar",
        "[1003ms] io.cqrssuite.factory.EventDecoder source: shared objects file",
        "[1005ms] java.lang.Shutdown source: shared objects file",
        "a line that is not a class load") + "\n");

    // Constructed at 1002.5 ms, returned at 1003.2 ms: the returned millisecond still counts.
    ClassCensus census = ClassCensus.read(log, 1_002_500, 1_003_200);

    assertThat(census).isEqualTo(new ClassCensus(3, 1, 2));
  }

  @Test
  void aLogWithNoClassLoadIsAnErrorNotAZero() throws Exception {
    Path log = dir.resolve("empty.log");
    Files.writeString(log, "");

    assertThatThrownBy(() -> ClassCensus.read(log, 1, 2)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("names no loaded class");
  }

  @Test
  void theLogOptionWritesEpochMillisecondsToTheGivenFile() {
    assertThat(ClassCensus.logOption(Path.of("/tmp/x.log")))
        .isEqualTo("-Xlog:class+load=info:file=/tmp/x.log:timemillis");
  }
}
