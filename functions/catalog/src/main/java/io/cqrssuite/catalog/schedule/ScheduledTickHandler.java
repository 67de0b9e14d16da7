package io.cqrssuite.catalog.schedule;

import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.sync.TombstonePurger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;

/**
 * The schedule's housekeeping: purges every read model's tombstones older than its horizon. A purge that fails
 * fails the tick (EventBridge retries it, then dead-letters it); the next tick catches up anyway, since the purge
 * deletes everything past the horizon, not a window.
 */
public final class ScheduledTickHandler implements EventHandler<ScheduledTick> {
  private final Set<TombstonePurger> purgers;

  @Inject
  public ScheduledTickHandler(Set<TombstonePurger> purgers) {
    this.purgers = purgers;
  }

  @Override
  public Class<ScheduledTick> eventType() {
    return ScheduledTick.class;
  }

  @Override
  public Map<String, Object> handle(ScheduledTick tick) throws Exception {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("rules", tick.rules());
    result.put("firedAt", String.valueOf(tick.time()));
    Map<String, Long> purged = new LinkedHashMap<>();
    for (TombstonePurger purger : purgers) {
      purged.put(purger.target(), purger.purgeExpired());
    }
    result.put("tombstonesPurged", purged);
    return result;
  }
}
