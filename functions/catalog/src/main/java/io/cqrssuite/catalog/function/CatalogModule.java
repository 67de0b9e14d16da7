package io.cqrssuite.catalog.function;

import dagger.Binds;
import dagger.Module;
import dagger.Provides;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cqrssuite.logging.StructuredLog;
import io.cqrssuite.reliability.idempotency.IdempotencyStore;
import io.cqrssuite.reliability.idempotency.IdempotentHandler;
import java.util.Optional;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.command.CommandTaskRouting;
import io.cqrssuite.catalog.CatalogEventFactory;
import io.cqrssuite.catalog.imports.CsvImportChunkHandler;
import io.cqrssuite.catalog.imports.CsvImportHandler;
import io.cqrssuite.catalog.order.OrderHandler;
import io.cqrssuite.catalog.schedule.ScheduledTickHandler;
import io.cqrssuite.factory.EventFactory;

/**
 * The example application's routing and handlers. A user's function replaces this module with its own: bind an
 * {@link EventFactory}, contribute each handler with {@code @Binds @IntoSet}. Nothing is discovered at run time.
 */
@Module
public interface CatalogModule {
  /** The catalogue's routing, plus the command side's workflow task ({@code COMMAND_SYNC}). */
  @Provides
  static EventFactory eventFactory(CatalogEventFactory factory) {
    return new CommandTaskRouting(factory);
  }

  /**
   * Reserving stock is a side effect no version guards, so when {@code SUITE_IDEMPOTENCY_TABLE} is set the handler
   * runs at most once per event id: a redelivery or a dead-letter replay gets the stored decision back.
   */
  @Provides
  @IntoSet
  static EventHandler<?> orders(
      OrderHandler handler, Optional<IdempotencyStore> store, ObjectMapper mapper, StructuredLog log) {
    return store.<EventHandler<?>>map(s -> new IdempotentHandler<>(handler, s, mapper, log)).orElse(handler);
  }

  @Binds
  @IntoSet
  EventHandler<?> csvImports(CsvImportHandler handler);

  @Binds
  @IntoSet
  EventHandler<?> csvImportChunks(CsvImportChunkHandler handler);

  @Binds
  @IntoSet
  EventHandler<?> scheduleTicks(ScheduledTickHandler handler);
}
