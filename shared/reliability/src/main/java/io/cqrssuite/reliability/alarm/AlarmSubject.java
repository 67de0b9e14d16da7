package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;

/**
 * The SNS subject of an alarm: fewer than 100 printable ASCII characters, no line breaks (SNS rejects anything
 * else), e.g. {@code [ERROR] catalog: PermanentException in orders (3) - stock must not be negative}.
 */
final class AlarmSubject {
  /** SNS allows up to 100; one less to be safely "fewer than 100". */
  public static final int MAX_LENGTH = 99;

  private AlarmSubject() {}

  public static String of(Alarm alarm) {
    String head =
        "[" + alarm.severity().name() + "] " + clean(alarm.source()) + ": " + clean(alarm.errorSimpleName()) + " in "
            + clean(alarm.handler()) + " (" + alarm.count() + ")";
    String message = clean(alarm.errorMessage());
    String subject = message.isEmpty() ? head : head + " - " + message;
    return fit(subject);
  }

  /**
   * Printable ASCII only: control characters and line breaks become spaces, any other non-ASCII character (emoji
   * included, as one code point) a {@code ?}; runs of spaces collapse and the ends are trimmed.
   */
  static String clean(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), 4 * MAX_LENGTH));
    boolean space = false;
    for (int i = 0; i < text.length() && out.length() <= 2 * MAX_LENGTH; ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      char c;
      if (cp < 0x20 || cp == 0x7F || Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        c = ' ';
      } else if (cp > 0x7E) {
        c = '?';
      } else {
        c = (char) cp;
      }
      if (c == ' ') {
        if (space || out.length() == 0) {
          continue;
        }
        space = true;
      } else {
        space = false;
      }
      out.append(c);
    }
    return out.toString().trim();
  }

  private static String fit(String subject) {
    if (subject.length() <= MAX_LENGTH) {
      return subject;
    }
    return subject.substring(0, MAX_LENGTH - 3).trim() + "...";
  }
}
