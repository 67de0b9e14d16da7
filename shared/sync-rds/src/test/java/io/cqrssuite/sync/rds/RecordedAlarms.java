package io.cqrssuite.sync.rds;

import io.cqrssuite.alarm.Alarm;
import io.cqrssuite.alarm.AlarmSink;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** An alarm sink that keeps what it is given, undeduplicated, so a test sees every raise. */
final class RecordedAlarms implements AlarmSink {
  private final List<Alarm> raised = new ArrayList<>();

  @Override
  public String source() {
    return "rds-test";
  }

  @Override
  public synchronized void raise(Collection<Alarm> alarms) {
    raised.addAll(alarms);
  }

  synchronized List<Alarm> raised() {
    return List.copyOf(raised);
  }
}
