package io.cqrssuite.verification.importrun;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A generated product CSV for the import (the columns of {@code ProductCsv}) with a few bad rows of each kind the
 * import must reject without stopping: a wrong column count, a price that is not a whole number of cents, and bytes
 * that are not UTF-8. Knows what each good row must become in the read models.
 *
 * @param bytes the file
 * @param expected every good row's product, by id
 * @param rows data rows (good and bad, without the header)
 * @param badRows rows the import must reject
 */
public record ProductCsvFile(byte[] bytes, Map<String, ExpectedProduct> expected, int rows, int badRows) {
  static final String HEADER = "tenantCode,code,name,description,price,category,tags,isActive";
  private static final List<String> CATEGORIES = List.of("kitchen", "garden", "office", "outdoor", "bath");
  private static final List<String> NOUNS = List.of("kettle", "lamp", "chair", "hose", "towel", "pan", "desk");

  /**
   * {@code rows} data rows for {@code tenant}, codes {@code P-000001} on; eight of them bad (three with a wrong
   * column count, three with a bad price, two with invalid UTF-8), spread through the file, when there are enough.
   */
  public static ProductCsvFile generate(int rows, String tenant, long seed) {
    Random random = new Random(seed);
    int bad = rows >= 40 ? 8 : 0;
    int spacing = bad == 0 ? Integer.MAX_VALUE : rows / bad;
    ByteArrayOutputStream out = new ByteArrayOutputStream(rows * 80);
    line(out, HEADER);
    Map<String, ExpectedProduct> expected = new LinkedHashMap<>();
    int badWritten = 0;
    for (int i = 1; i <= rows; i++) {
      String code = String.format("P-%06d", i);
      String noun = NOUNS.get(random.nextInt(NOUNS.size()));
      String name = (random.nextBoolean() ? "Steel " : "Oak ") + noun + " " + i;
      long price = 100 + random.nextInt(500_000);
      String category = CATEGORIES.get(random.nextInt(CATEGORIES.size()));
      boolean active = random.nextInt(10) != 0;
      String description = i % 7 == 0 ? "\"Sturdy, \"\"classic\"\" " + noun + "\"" : "";
      if (badWritten < bad && i % spacing == spacing / 2) {
        switch (badWritten % 3) {
          case 0 -> line(out, tenant + "," + code + "," + name + "," + price + "," + category);
          case 1 -> line(out, tenant + "," + code + "," + name + ",," + price + ".5," + category + ",,true");
          default -> {
            out.writeBytes((tenant + "," + code + ",").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {'B', 'a', 'd', ' ', (byte) 0xC3, (byte) 0x28, ' ', 'n', 'a', 'm', 'e'});
            out.writeBytes((",," + price + "," + category + ",,true\n").getBytes(StandardCharsets.UTF_8));
          }
        }
        badWritten++;
        continue;
      }
      line(out, tenant + "," + code + "," + name + "," + description + "," + price + "," + category + ",steel|gift," + active);
      String id = "PRODUCT#" + tenant + "#" + code;
      expected.put(id, new ExpectedProduct(id, 1, false, name, price, category, active));
    }
    return new ProductCsvFile(out.toByteArray(), expected, rows, badWritten);
  }

  private static void line(ByteArrayOutputStream out, String text) {
    out.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
  }
}
