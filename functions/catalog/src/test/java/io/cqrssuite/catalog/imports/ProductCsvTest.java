package io.cqrssuite.catalog.imports;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each bad row is rejected alone, with its own line number and a reason that names the column. */
class ProductCsvTest {
  @Test
  void eachBadRowIsRejectedWithItsLineAndReasonAndTheOthersPass() throws Exception {
    ByteArrayOutputStream chunk = new ByteArrayOutputStream();
    chunk.writeBytes(utf8("acme,P-1,Kettle,,4990,kitchen,steel|gift,true\n"));           // line 10
    chunk.writeBytes(utf8("acme,P-2,Mug,,990,kitchen\n"));                               // line 11: 6 columns
    chunk.writeBytes(utf8("acme,P-3,Caf"));
    chunk.write(new byte[] {(byte) 0xE9});                                               // line 12: Latin-1 é
    chunk.writeBytes(utf8(",,100,kitchen,,\n"));
    chunk.writeBytes(utf8("acme,P-4,Pot,,12.50,kitchen,,\n"));                           // line 13: not cents
    chunk.writeBytes(utf8("acme,P-5,,,100,kitchen,,\n"));                                // line 14: no name
    chunk.writeBytes(utf8("acme,P-6,Pan,\"multi\nline\",100,kitchen,,maybe\n"));        // line 15-16: isActive
    chunk.writeBytes(utf8("acme,P-7,Lid,,-5,kitchen,,\n"));                              // line 17: negative
    chunk.writeBytes(utf8("acme,P 8,Lid,,5,kitchen,,\n"));                               // line 18: bad code
    chunk.writeBytes(utf8("acme,P-9,\"Bowl\"x,,5,kitchen,,\n"));                         // line 19: junk after quote
    chunk.writeBytes(utf8("acme,P-10,\"\u65e5\u672c\",,5,kitchen,,\n"));                 // line 20: fine
    List<ProductCsv.Row> rows = CsvChunkRows.read(chunk.toByteArray(), 10);

    assertThat(rows).extracting(ProductCsv.Row::line).containsExactly(10L, 11L, 12L, 13L, 14L, 15L, 17L, 18L, 19L, 20L);
    assertThat(rows.get(0)).isInstanceOf(ProductCsv.Valid.class);
    assertThat(reason(rows.get(1))).isEqualTo("expected 8 columns but found 6");
    assertThat(reason(rows.get(2))).isEqualTo("invalid UTF-8 at byte 13 of the row; save the file as UTF-8");
    // The reason is shown in the task output and logs, so it never quotes the value; the report's detail does.
    assertThat(reason(rows.get(3))).isEqualTo("column price must be a whole number of cents");
    assertThat(((ProductCsv.Rejected) rows.get(3)).detail()).isEqualTo("column price must be a whole number of cents, found '12.50'");
    assertThat(reason(rows.get(4))).isEqualTo("column name is required");
    assertThat(reason(rows.get(5))).isEqualTo("column isActive must be true, false or empty");
    assertThat(((ProductCsv.Rejected) rows.get(5)).detail()).endsWith("found 'maybe'");
    assertThat(reason(rows.get(6))).startsWith("column price must be between 0 and");
    assertThat(reason(rows.get(7))).startsWith("column code must be");
    assertThat(reason(rows.get(8))).isEqualTo("malformed CSV");
    assertThat(((ProductCsv.Rejected) rows.get(8)).detail())
        .isEqualTo("malformed CSV: Invalid character between encapsulated token and delimiter near character 16 of the row");
    assertThat(((ProductCsv.Valid) rows.get(9)).image().path("name").asText()).isEqualTo("\u65e5\u672c");
  }

  @Test
  void aValidRowBecomesTheProductImageOfTheReadModels() {
    ProductCsv.Valid row = (ProductCsv.Valid) CsvChunkRows.read(utf8("acme,P-1,Kettle,Boils,4990,kitchen, steel | gift ,\n"), 2).get(0);
    assertThat(row.pk()).isEqualTo("PRODUCT#acme");
    assertThat(row.image().toString())
        .isEqualTo(
            "{\"pk\":\"PRODUCT#acme\",\"code\":\"P-1\",\"id\":\"PRODUCT#acme#P-1\",\"tenantCode\":\"acme\",\"name\":\"Kettle\","
                + "\"description\":\"Boils\",\"price\":4990,\"category\":\"kitchen\",\"tags\":[\"steel\",\"gift\"],\"isActive\":true}");
  }

  @Test
  void anUnterminatedQuoteAtTheEndIsRejectedOnTheLineItOpens() {
    List<ProductCsv.Row> rows = CsvChunkRows.read(utf8("acme,P-1,a,,1,c,,\nacme,P-2,\"open,,1,c,,\nmore\n"), 7);
    assertThat(rows).extracting(ProductCsv.Row::line).containsExactly(7L, 8L);
    assertThat(reason(rows.get(1))).isEqualTo("a quoted field opened on this line is never closed");
  }

  private static String reason(ProductCsv.Row row) {
    assertThat(row).isInstanceOf(ProductCsv.Rejected.class);
    return ((ProductCsv.Rejected) row).reason();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
