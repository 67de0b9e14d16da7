package io.cqrssuite.bench.page;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The check that no figure on the page was written by hand: every number on it, outside the command lines, is a
 * numeric value of one of the files rounded to the digits the page shows, or a number inside one of their texts
 * (commit, JDK, CPU, date, load average). Independent of the generator's formatting: any rounding of a file's value
 * passes, nothing else does.
 */
final class PageFigures {
  /** A number as the page writes it: 1,234.5 or 17.0.15; not glued to a letter or a digit before (p99, decode.s3). */
  private static final Pattern ON_PAGE = Pattern.compile("(?<![A-Za-z0-9.,])\\d+(?:[.,]\\d+)*");
  private static final Pattern IN_TEXT = Pattern.compile("\\d+(?:[.,]\\d+)*");
  /** Code spans that are command lines: their numbers are options, not figures. */
  private static final Pattern COMMAND = Pattern.compile("`\\./suite [^`]*`");

  private PageFigures() {}

  /** The numbers on {@code page} that no file accounts for, as they are written; empty when every one is. */
  static List<String> notInFiles(String page, List<JsonNode> files) {
    List<BigDecimal> values = new ArrayList<>();
    Set<String> textNumbers = new HashSet<>();
    files.forEach(file -> collect(file, values, textNumbers));
    List<String> unaccounted = new ArrayList<>();
    Matcher number = ON_PAGE.matcher(COMMAND.matcher(page).replaceAll("`command`"));
    while (number.find()) {
      String written = number.group();
      if (textNumbers.contains(written) || isRoundedValue(written, values)) {
        continue;
      }
      unaccounted.add(written);
    }
    return unaccounted;
  }

  /** All the numbers on the page outside command lines: how many figures the check looked at. */
  static int count(String page) {
    Matcher number = ON_PAGE.matcher(COMMAND.matcher(page).replaceAll("`command`"));
    int count = 0;
    while (number.find()) {
      count++;
    }
    return count;
  }

  private static boolean isRoundedValue(String written, List<BigDecimal> values) {
    String plain = written.replace(",", "");
    if (plain.chars().filter(c -> c == '.').count() > 1) {
      return false;
    }
    BigDecimal shown = new BigDecimal(plain);
    int decimals = Math.max(shown.scale(), 0);
    return values.stream().anyMatch(value -> value.setScale(decimals, RoundingMode.HALF_UP).compareTo(shown) == 0);
  }

  private static void collect(JsonNode node, List<BigDecimal> values, Set<String> textNumbers) {
    if (node.isNumber()) {
      values.add(node.decimalValue());
    } else if (node.isTextual()) {
      Matcher number = IN_TEXT.matcher(node.asText());
      while (number.find()) {
        textNumbers.add(number.group());
      }
    } else {
      node.forEach(child -> collect(child, values, textNumbers));
    }
  }
}
