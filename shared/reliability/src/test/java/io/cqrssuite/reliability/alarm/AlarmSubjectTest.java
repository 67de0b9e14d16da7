package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.Severity;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AlarmSubjectTest {
  private static void assertSnsSafe(String subject) {
    assertThat(subject.length()).isLessThan(100).isPositive();
    assertThat(subject).doesNotContain("\n", "\r", "\t");
    assertThat(subject.chars()).allMatch(c -> c >= 0x20 && c <= 0x7E);
  }

  @Test
  void namesSeveritySourceErrorHandlerAndCount() {
    Alarm alarm =
        new Alarm(Severity.ERROR, "catalog", "orders", "io.cqrssuite.failure.PermanentException", "no items", List.of("a", "b", "c"), 3);

    String subject = AlarmSubject.of(alarm);

    assertThat(subject).isEqualTo("[ERROR] catalog: PermanentException in orders (3) - no items");
    assertSnsSafe(subject);
  }

  @Test
  void hostileErrorMessageIsFlattenedToShortPrintableAscii() {
    String hostile = "line one\r\nline two\u0000\u0007 \uD83D\uDCA5\uD83D\uDD25 caf\u00e9 \u2028sep " + "x".repeat(500);
    Alarm alarm = new Alarm(Severity.CRITICAL, "catalog", "orders", "com.example.Boom", hostile, List.of("e-1"), 1);

    String subject = AlarmSubject.of(alarm);

    assertSnsSafe(subject);
    assertThat(subject).startsWith("[CRITICAL] catalog: Boom in orders (1) - line one line two ?? caf? sep xxx");
    assertThat(subject).endsWith("...");
  }

  @Test
  void hostileNamesAreCleanedToo() {
    String name = "\uD83D\uDE00handler\nwith\u00a0breaks" + "y".repeat(300);
    Alarm alarm = new Alarm(Severity.WARNING, "svc\r\n\u00fc", name, "a.b.\u00c9rror\n", null, List.of(), 0);

    String subject = AlarmSubject.of(alarm);

    assertSnsSafe(subject);
    assertThat(subject).startsWith("[WARNING] svc ?: ?rror in ?handler with breaksyyy");
  }

  @Test
  void alarmBoundsItsIdsAndFingerprintsSeveritySourceHandlerAndClass() {
    List<String> many = java.util.stream.IntStream.range(0, 50).mapToObj(i -> "id-" + i).toList();
    Alarm alarm = new Alarm(Severity.ERROR, "catalog", "orders", "X", "m1", many, 50);
    Alarm other = new Alarm(Severity.ERROR, "catalog", "orders", "X", "another message", List.of("z"), 1);

    assertThat(alarm.eventIds()).hasSize(Alarm.MAX_EVENT_IDS);
    assertThat(alarm.fingerprint()).isEqualTo(other.fingerprint()).hasSize(32);
    assertThat(alarm.fingerprint())
        .isNotEqualTo(new Alarm(Severity.ERROR, "catalog", "stock", "X", "m1", many, 1).fingerprint())
        .isNotEqualTo(new Alarm(Severity.ERROR, "catalog", "orders", "Y", "m1", many, 1).fingerprint())
        .isNotEqualTo(new Alarm(Severity.CRITICAL, "catalog", "orders", "X", "m1", many, 1).fingerprint());
    Alarm merged = alarm.merge(other);
    assertThat(merged.count()).isEqualTo(51);
    assertThat(merged.eventIds()).hasSize(Alarm.MAX_EVENT_IDS);
  }
}
