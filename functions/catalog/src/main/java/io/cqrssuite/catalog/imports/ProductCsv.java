package io.cqrssuite.catalog.imports;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * The product CSV: its header, and each row checked and turned into the product image the read models use (the
 * fields of {@code ProductWorkloadGenerator}). Columns, in this order:
 *
 * <pre>
 * tenantCode,code,name,description,price,category,tags,isActive
 * acme,P-0001,Blue kettle,"Boils, whistles",4990,kitchen,steel|gift,true
 * </pre>
 *
 * {@code tenantCode}, {@code code}, {@code name}, {@code price} and {@code category} are required; {@code price} is
 * a whole number of cents; {@code tags} are separated by {@code |}; {@code isActive} is {@code true}, {@code false}
 * or empty (true). Text must be UTF-8 (a byte-order mark before the header is allowed).
 */
public final class ProductCsv {
  /** The header, exactly. */
  public static final List<String> COLUMNS = List.of("tenantCode", "code", "name", "description", "price", "category", "tags", "isActive");

  static final long MAX_PRICE_CENTS = 100_000_000_000L;
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final int MAX_NAME = 200;
  private static final int MAX_DESCRIPTION = 4_000;
  private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setTrim(false).get();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Pattern PARSER_POSITION = Pattern.compile("at line: \\d+, position: (\\d+)");

  private ProductCsv() {}

  /** One row: a product image, or why it was rejected. */
  public sealed interface Row permits Valid, Rejected {
    long line();
  }

  /** A row that makes a product command; {@code code} and {@code pk} key it. */
  public record Valid(long line, String pk, String code, ObjectNode image) implements Row {}

  /**
   * A row that makes none. {@code reason} names the line, the column and what it must be, never the row's values: it
   * goes into the task's output, the logs and the import summary. {@code detail} adds the offending value, for the
   * rejected-rows report in the import bucket alone, where the file's owner reads it to fix the file.
   */
  public record Rejected(long line, String reason, String detail) implements Row {
    public Rejected(long line, String reason) {
      this(line, reason, reason);
    }
  }

  /**
   * Checks the header record's bytes (line 1, byte-order mark allowed).
   *
   * @throws CsvHeaderException with what was expected and found
   */
  static void checkHeader(byte[] record) {
    int from = startsWithBom(record) ? 3 : 0;
    String text;
    try {
      text = decode(record, from, record.length - from);
    } catch (CharacterCodingException e) {
      throw new CsvHeaderException("line 1: the header is not valid UTF-8; save the file as UTF-8");
    }
    List<String> found;
    try {
      found = parse(stripTerminator(text));
    } catch (IllegalStateException e) {
      throw new CsvHeaderException("line 1: the header is not valid CSV: " + e.getMessage());
    }
    if (!found.equals(COLUMNS)) {
      throw new CsvHeaderException("line 1: expected the header " + String.join(",", COLUMNS) + " but found " + shortened(String.join(",", found)));
    }
  }

  /** Whether {@code bytes} start with the UTF-8 byte-order mark. */
  static boolean startsWithBom(byte[] bytes) {
    return bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
  }

  /**
   * One record's bytes (with its line terminator) as a product row. A record of only a line terminator is blank:
   * {@code null}.
   */
  static Row row(byte[] bytes, int offset, int length, long line) {
    String text;
    try {
      text = decode(bytes, offset, length);
    } catch (CharacterCodingException e) {
      return new Rejected(line, "invalid UTF-8 at byte " + firstBadByte(bytes, offset, length) + " of the row; save the file as UTF-8");
    }
    String record = stripTerminator(text);
    if (record.isEmpty()) {
      return null;
    }
    List<String> values;
    try {
      values = parse(record);
    } catch (IllegalStateException e) {
      // The parser's message may quote the row around the fault: the report gets it, the summary only the kind.
      return new Rejected(line, "malformed CSV", "malformed CSV: " + withinRow(e.getMessage()));
    }
    if (values.size() != COLUMNS.size()) {
      return new Rejected(line, "expected " + COLUMNS.size() + " columns but found " + values.size());
    }
    return validate(line, values);
  }

  private static Row validate(long line, List<String> values) {
    String tenant = values.get(0).trim();
    String code = values.get(1).trim();
    String name = values.get(2).trim();
    String description = values.get(3).trim();
    String price = values.get(4).trim();
    String category = values.get(5).trim();
    String tags = values.get(6).trim();
    String active = values.get(7).trim();
    for (int i : new int[] {0, 1, 2, 4, 5}) {
      if (values.get(i).isBlank()) {
        return new Rejected(line, "column " + COLUMNS.get(i) + " is required");
      }
    }
    if (!KEY.matcher(tenant).matches()) {
      return new Rejected(line, "column tenantCode must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    if (!KEY.matcher(code).matches()) {
      return new Rejected(line, "column code must be 1 to 64 of A-Z a-z 0-9 _ -");
    }
    if (name.length() > MAX_NAME) {
      return new Rejected(line, "column name is longer than " + MAX_NAME + " characters");
    }
    if (description.length() > MAX_DESCRIPTION) {
      return new Rejected(line, "column description is longer than " + MAX_DESCRIPTION + " characters");
    }
    long cents;
    try {
      cents = Long.parseLong(price);
    } catch (NumberFormatException e) {
      String reason = "column price must be a whole number of cents";
      return new Rejected(line, reason, reason + ", found '" + shortened(price) + "'");
    }
    if (cents < 0 || cents > MAX_PRICE_CENTS) {
      String reason = "column price must be between 0 and " + MAX_PRICE_CENTS + " cents";
      return new Rejected(line, reason, reason + ", found " + cents);
    }
    boolean isActive;
    if (active.isEmpty() || active.equals("true")) {
      isActive = true;
    } else if (active.equals("false")) {
      isActive = false;
    } else {
      String reason = "column isActive must be true, false or empty";
      return new Rejected(line, reason, reason + ", found '" + shortened(active) + "'");
    }
    String pk = "PRODUCT#" + tenant;
    ObjectNode image = NODES.objectNode();
    image.put("pk", pk);
    image.put("code", code);
    image.put("id", pk + "#" + code);
    image.put("tenantCode", tenant);
    image.put("name", name);
    if (!description.isEmpty()) {
      image.put("description", description);
    }
    image.put("price", cents);
    image.put("category", category);
    ArrayNode tagArray = image.putArray("tags");
    if (!tags.isEmpty()) {
      for (String tag : tags.split("\\|")) {
        if (!tag.isBlank()) {
          tagArray.add(tag.trim());
        }
      }
    }
    image.put("isActive", isActive);
    return new Valid(line, pk, code, image);
  }

  private static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes, offset, length))
        .toString();
  }

  /** 1-based position in the row of the first byte that is not UTF-8. */
  private static int firstBadByte(byte[] bytes, int offset, int length) {
    int good = 0;
    int step = 1;
    while (good < length) {
      int end = Math.min(length, good + step);
      try {
        decode(bytes, offset, end);
        good = end;
        step = 1;
      } catch (CharacterCodingException e) {
        // A multi-byte character may need up to 4 bytes before it decodes: only then is the byte bad.
        if (step < 4 && end < length) {
          step++;
        } else {
          return good + 1;
        }
      }
    }
    return length;
  }

  /**
   * commons-csv counts lines and characters from the start of what it parsed, here the row: its "line: 1" would
   * contradict the row's real line, so only the character position is kept.
   */
  private static String withinRow(String message) {
    Matcher m = PARSER_POSITION.matcher(String.valueOf(message));
    return m.find() ? message.substring(0, m.start()) + "near character " + m.group(1) + " of the row" : message;
  }

  private static String stripTerminator(String text) {
    int end = text.length();
    if (end > 0 && text.charAt(end - 1) == '\n') {
      end--;
    }
    if (end > 0 && text.charAt(end - 1) == '\r') {
      end--;
    }
    return text.substring(0, end);
  }

  /** One record's values; commons-csv does RFC 4180 quoting. Throws IllegalStateException for malformed input. */
  private static List<String> parse(String record) {
    try (CSVParser parser = CSVParser.parse(record, FORMAT)) {
      List<String> values = new ArrayList<>();
      int records = 0;
      for (CSVRecord r : parser) {
        records++;
        if (records > 1) {
          throw new IllegalStateException("one row holds a second record");
        }
        r.forEach(values::add);
      }
      return values;
    } catch (IOException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e);
    }
  }

  private static String shortened(String text) {
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}
