package io.cqrssuite.alarm;

import java.util.Collection;

/**
 * Where the entrypoint raises alarms about dead-lettered records and failed dead-letter writes (contract §5).
 * {@code cqrs-suite-reliability} implements it over SNS, de-duplicated across containers. Raising never changes a
 * record's outcome, so an implementation never throws.
 */
public interface AlarmSink {
  /** The {@code source} every alarm of this function carries (the function's name). */
  String source();

  /** Raises one invocation's alarms. Never throws. */
  void raise(Collection<Alarm> alarms);

  /** Raises nothing: the binding of a function without alarms. */
  static AlarmSink none() {
    return Silent.INSTANCE;
  }

  /** The sink of {@link #none()}. */
  enum Silent implements AlarmSink {
    INSTANCE;

    @Override
    public String source() {
      return "";
    }

    @Override
    public void raise(Collection<Alarm> alarms) {}
  }
}
