package io.cqrssuite.catalog.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting a CSV into chunks of whole records, and reading each chunk back as exactly those records. */
class CsvChunkPlannerTest {
  private static final String HEADER = "tenantCode,code,name,description,price,category,tags,isActive";

  @Test
  void chunksHoldWholeRecordsEvenWhenAQuotedFieldHoldsNewlines() {
    String csv =
        HEADER + "\n"
            + "acme,P-1,Kettle,\"Boils\nand whistles\",4990,kitchen,steel,true\n"
            + "acme,P-2,\"Mug, \"\"big\"\"\",,990,kitchen,,\n"
            + "acme,P-3,Pot,\"a\n\nb\",1500,kitchen,,false\n";
    CsvChunkPlanner.Plan plan = plan(csv, 1);
    assertThat(plan.rows()).isEqualTo(3);
    assertThat(plan.chunks()).extracting(CsvChunk::firstLine).containsExactly(2L, 4L, 5L);
    assertThat(plan.chunks()).extracting(CsvChunk::rows).containsExactly(1, 1, 1);
    List<ProductCsv.Row> rows = readAll(csv, plan);
    assertThat(rows).allSatisfy(r -> assertThat(r).isInstanceOf(ProductCsv.Valid.class));
    assertThat(((ProductCsv.Valid) rows.get(0)).image().path("description").asText()).isEqualTo("Boils\nand whistles");
    assertThat(((ProductCsv.Valid) rows.get(1)).image().path("name").asText()).isEqualTo("Mug, \"big\"");
    assertThat(((ProductCsv.Valid) rows.get(2)).image().path("isActive").asBoolean()).isFalse();
  }

  @Test
  void crlfAByteOrderMarkAndALastLineWithoutNewlineAreHandled() {
    String csv = "\uFEFF" + HEADER + "\r\nacme,P-1,Kettle,,4990,kitchen,,\r\n\r\nacme,P-2,Mug,,990,kitchen,,";
    CsvChunkPlanner.Plan plan = plan(csv, 10);
    assertThat(plan.rows()).as("the blank line is no row").isEqualTo(2);
    assertThat(plan.chunks()).hasSize(1);
    CsvChunk chunk = plan.chunks().get(0);
    assertThat(chunk.firstLine()).isEqualTo(2);
    assertThat(chunk.endByte()).isEqualTo(csv.getBytes(StandardCharsets.UTF_8).length);
    List<ProductCsv.Row> rows = readAll(csv, plan);
    assertThat(rows).extracting(ProductCsv.Row::line).containsExactly(2L, 4L);
    assertThat(((ProductCsv.Valid) rows.get(1)).code()).isEqualTo("P-2");
  }

  @Test
  void chunksOfSeveralRowsCoverEveryRowOnceWithTheirLineNumbers() {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 1; i <= 25; i++) {
      csv.append("acme,P-").append(i).append(",Name ").append(i).append(",\"two\nlines\",").append(i * 100).append(",c,,\n");
    }
    CsvChunkPlanner.Plan plan = plan(csv.toString(), 10);
    assertThat(plan.chunks()).extracting(CsvChunk::rows).containsExactly(10, 10, 5);
    assertThat(plan.chunks()).extracting(CsvChunk::firstLine).containsExactly(2L, 22L, 42L);
    for (int i = 1; i < plan.chunks().size(); i++) {
      assertThat(plan.chunks().get(i).startByte()).isEqualTo(plan.chunks().get(i - 1).endByte());
    }
    List<ProductCsv.Row> rows = readAll(csv.toString(), plan);
    assertThat(rows).hasSize(25);
    assertThat(rows.get(24).line()).isEqualTo(50);
    assertThat(((ProductCsv.Valid) rows.get(24)).image().path("price").asLong()).isEqualTo(2500);
  }

  @Test
  void aWrongHeaderIsRefusedWithLineOneAndWhatWasExpected() {
    assertThatThrownBy(() -> plan("tenant,code,name\nacme,P-1,x\n", 10))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("line 1")
        .hasMessageContaining("expected the header " + HEADER)
        .hasMessageContaining("found tenant,code,name");
    assertThatThrownBy(() -> plan("", 10)).isInstanceOf(CsvHeaderException.class).hasMessageContaining("empty");
    byte[] latin1 = (HEADER.replace("name", "n\u00e4me") + "\n").getBytes(StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> new CsvChunkPlanner(10, 10).plan(new ByteArrayInputStream(latin1)))
        .isInstanceOf(CsvHeaderException.class)
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void aHeaderWithoutRowsPlansNoChunks() {
    assertThat(plan(HEADER, 10).chunks()).isEmpty();
    assertThat(plan(HEADER + "\n\n", 10).rows()).isZero();
  }

  @Test
  void moreChunksThanAllowedIsRefused() {
    String csv = HEADER + "\nacme,P-1,a,,1,c,,\nacme,P-2,a,,1,c,,\nacme,P-3,a,,1,c,,\n";
    assertThatThrownBy(() -> new CsvChunkPlanner(1, 2).plan(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(CsvTooLargeException.class)
        .hasMessageContaining("SUITE_IMPORT_CHUNK_ROWS");
  }

  private static CsvChunkPlanner.Plan plan(String csv, int chunkRows) {
    return new CsvChunkPlanner(chunkRows, 1_000).plan(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
  }

  private static List<ProductCsv.Row> readAll(String csv, CsvChunkPlanner.Plan plan) {
    byte[] bytes = csv.getBytes(StandardCharsets.UTF_8);
    List<ProductCsv.Row> rows = new ArrayList<>();
    for (CsvChunk chunk : plan.chunks()) {
      rows.addAll(CsvChunkRows.read(Arrays.copyOfRange(bytes, (int) chunk.startByte(), (int) chunk.endByte()), chunk.firstLine()));
    }
    return rows;
  }
}
