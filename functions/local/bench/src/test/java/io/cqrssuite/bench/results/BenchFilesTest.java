package io.cqrssuite.bench.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the run a bench just wrote, recording its command, and publishing the newest run of each bench. */
class BenchFilesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant START = Instant.parse("2026-12-05T19:00:00Z");

  @TempDir Path root;

  @Test
  void theNewestRunOfTheBenchWrittenSinceItStartedIsFound() throws IOException {
    Path runs = root.resolve(BenchFiles.RUNS);
    Path before = write(runs.resolve("sync-20261205-185000.json"), "{}", START.minusSeconds(600));
    Path first = write(runs.resolve("sync-20261205-190000.json"), "{}", START.plusSeconds(30));
    Path latest = write(runs.resolve("sync-20261205-190500.json"), "{}", START.plusSeconds(300));
    write(runs.resolve("cold-20261205-191000.json"), "{}", START.plusSeconds(600));
    write(runs.resolve("sync-20261205-191000.png"), "", START.plusSeconds(600));

    assertThat(BenchFiles.newest(runs, Bench.SYNC, START)).contains(latest);
    assertThat(BenchFiles.newest(runs, Bench.SYNC, START.plusSeconds(400))).isEmpty();
    assertThat(BenchFiles.newest(runs, Bench.DISPATCH, START)).isEmpty();
    assertThat(BenchFiles.newest(root.resolve("nowhere"), Bench.SYNC, START)).isEmpty();
    assertThat(before).exists();
    assertThat(first).exists();
  }

  @Test
  void stampRecordsTheCommandAndTheStartFromTheNameWhenTheBenchWroteNone() throws IOException {
    Path withoutAt = write(root.resolve("sync-20261205-193012.json"), "{\"commands\":2000}", START);
    Path withAt = write(root.resolve("cold-20261205-193012.json"), "{\"at\":\"2026-12-05T19:30:11.5Z\"}", START);

    BenchFiles.stamp(withoutAt, "./suite bench sync --entities 10");
    BenchFiles.stamp(withAt, "./suite bench cold --runs 3");

    JsonNode sync = MAPPER.readTree(withoutAt.toFile());
    assertThat(sync.path("commands").asInt()).isEqualTo(2000);
    assertThat(sync.path("command").asText()).isEqualTo("./suite bench sync --entities 10");
    assertThat(sync.path("at").asText()).isEqualTo("2026-12-05T19:30:12Z");
    BenchResult cold = BenchResult.read(withAt);
    assertThat(cold.at()).contains(Instant.parse("2026-12-05T19:30:11.5Z"));
    assertThat(cold.command()).contains("./suite bench cold --runs 3");
  }

  @Test
  void publishCopiesTheNewestRunOfEachBenchAndKeepsWhatOthersPublished() throws IOException {
    Path runs = root.resolve(BenchFiles.RUNS);
    write(runs.resolve("dispatch-20261205-190000.json"), "{\"n\":1}", START);
    write(runs.resolve("dispatch-20261205-191000.json"), "{\"n\":2}", START.plusSeconds(600));
    Path cold = write(root.resolve(BenchFiles.PUBLISHED).resolve("cold.json"), "{\"n\":3}", START);

    assertThat(BenchFiles.publish(root)).containsExactly(root.resolve(BenchFiles.PUBLISHED).resolve("dispatch.json"));

    assertThat(MAPPER.readTree(root.resolve("docs/benchmarks/dispatch.json").toFile()).path("n").asInt()).isEqualTo(2);
    assertThat(MAPPER.readTree(cold.toFile()).path("n").asInt()).isEqualTo(3);
    assertThat(BenchFiles.published(root)).extracting(BenchResult::bench).containsExactly(Bench.COLD, Bench.DISPATCH);
  }

  @Test
  void theMachineIsReadWhereverTheBenchPutIt() throws IOException {
    Path top = write(root.resolve("dispatch.json"), "{\"commit\":\"abc\",\"jdk\":\"J\",\"cpu\":\"C\",\"cores\":2}", START);
    Path nested = write(root.resolve("cold.json"), "{\"machine\":{\"commit\":\"def\",\"jdk\":\"K\",\"cpu\":\"D\",\"cores\":4}}", START);

    assertThat(BenchResult.read(top).machine().commit()).isEqualTo("abc");
    assertThat(BenchResult.read(nested).machine().cores()).isEqualTo(4);
    assertThat(BenchResult.read(nested).machine().cpu()).isEqualTo("D");
    assertThat(BenchResult.read(nested).png()).isEqualTo(root.resolve("cold.png"));
  }

  @Test
  void aFileOfNoBenchIsRefusedByName() throws IOException {
    Path other = write(root.resolve("import-20261205-190000.json"), "{}", START);

    assertThatThrownBy(() -> BenchResult.read(other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is no bench's file");
    assertThat(Bench.ofFileName("sync.json")).contains(Bench.SYNC);
    assertThat(Bench.ofFileName("cold-20261205-190000.json")).contains(Bench.COLD);
    assertThat(Bench.ofFileName("dispatch-20261205-190000.png")).isEmpty();
    assertThat(BenchFiles.startOf(Path.of("sync.json"))).isEmpty();
  }

  private static Path write(Path file, String text, Instant modified) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }
}
