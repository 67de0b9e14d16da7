package io.cqrssuite.event;

/** ARN pieces the typed events expose (queue, topic and table names). */
final class Arns {
  private Arns() {}

  static String lastSegment(String arn, char separator) {
    if (arn == null) {
      return null;
    }
    int at = arn.lastIndexOf(separator);
    return at < 0 ? arn : arn.substring(at + 1);
  }

  /** {@code arn:aws:dynamodb:region:account:table/NAME/stream/...} gives {@code NAME}. */
  static String dynamodbTable(String arn) {
    if (arn == null) {
      return null;
    }
    int table = arn.indexOf(":table/");
    if (table < 0) {
      return null;
    }
    int start = table + ":table/".length();
    int end = arn.indexOf('/', start);
    return end < 0 ? arn.substring(start) : arn.substring(start, end);
  }
}
