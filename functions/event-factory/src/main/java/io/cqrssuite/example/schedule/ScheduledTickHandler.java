package io.cqrssuite.example.schedule;

import io.cqrssuite.bus.EventHandler;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.inject.Inject;

/** Acknowledges a schedule tick and names the rule that fired, so the run is visible in the logs and results. */
public final class ScheduledTickHandler implements EventHandler<ScheduledTick> {
  @Inject
  public ScheduledTickHandler() {}

  @Override
  public Class<ScheduledTick> eventType() {
    return ScheduledTick.class;
  }

  @Override
  public Map<String, Object> handle(ScheduledTick tick) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rules", tick.rules());
    result.put("firedAt", String.valueOf(tick.time()));
    return result;
  }
}
