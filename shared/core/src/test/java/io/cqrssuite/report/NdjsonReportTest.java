package io.cqrssuite.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NdjsonReportTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theHeaderNamesTheHashOfTheLinesAndTheSidecarTheWholeFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("out/report.ndjson");
    NdjsonReport.Written written;
    try (NdjsonReport report = NdjsonReport.create(file, json)) {
      report.line(json.createObjectNode().put("id", "a").put("text", "\u65e5\u672c"));
      report.line(json.createObjectNode().put("id", "b"));
      ObjectNode fields = json.createObjectNode().put("kind", "test");
      written = report.finish(fields);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    assertThat(json.readTree(lines.get(0)).path("__meta__").path("count").asInt()).isEqualTo(2);
    assertThat(json.readTree(lines.get(0)).path("__meta__").path("kind").asText()).isEqualTo("test");
    byte[] all = Files.readAllBytes(file);
    String whole = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(all));
    assertThat(written.fileSha256()).isEqualTo(whole);
    assertThat(Files.readString(written.checksumFile())).isEqualTo(whole + "  report.ndjson\n");
    assertThat(NdjsonReport.verify(file, json).path("sha256").asText()).isEqualTo(written.sha256());
    assertThat(Files.list(file.getParent())).as("no temporary file left").hasSize(2);
  }

  @Test
  void aChangedLineIsCaught(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("report.ndjson");
    try (NdjsonReport report = NdjsonReport.create(file, json)) {
      report.line(json.createObjectNode().put("price", 100));
      report.finish(json.createObjectNode());
    }
    Files.writeString(file, Files.readString(file).replace("100", "101"), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> NdjsonReport.verify(file, json)).isInstanceOf(IOException.class).hasMessageContaining("changed or cut");
    Files.writeString(file, "{\"no\": \"meta\"}\n");
    assertThatThrownBy(() -> NdjsonReport.verify(file, json)).hasMessageContaining("no __meta__");
  }

  @Test
  void anAbandonedReportLeavesNothing(@TempDir Path dir) throws Exception {
    try (NdjsonReport report = NdjsonReport.create(dir.resolve("r.ndjson"), json)) {
      report.line(json.createObjectNode());
    }
    assertThat(Files.list(dir)).isEmpty();
  }
}
