package io.cqrssuite.reliability.alarm;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The core's alarm sink over an {@link AlarmPublisher} built at the first alarm: its SNS and counter clients cost a
 * cold start that raises none (almost all of them) more than its dispatch does.
 */
final class AlarmsOnFirstRaise implements AlarmSink {
  private final String source;
  private final Supplier<AlarmPublisher> publisher;

  AlarmsOnFirstRaise(String source, Supplier<AlarmPublisher> publisher) {
    this.source = source;
    this.publisher = publisher;
  }

  @Override
  public String source() {
    return source;
  }

  @Override
  public void raise(Collection<Alarm> alarms) {
    if (!alarms.isEmpty()) {
      publisher.get().raise(alarms);
    }
  }
}
