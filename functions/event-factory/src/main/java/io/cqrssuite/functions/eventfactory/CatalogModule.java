package io.cqrssuite.functions.eventfactory;

import dagger.Binds;
import dagger.Module;
import dagger.multibindings.IntoSet;
import io.cqrssuite.bus.EventHandler;
import io.cqrssuite.example.CatalogEventFactory;
import io.cqrssuite.example.imports.CsvImportChunkHandler;
import io.cqrssuite.example.imports.CsvImportHandler;
import io.cqrssuite.example.order.OrderHandler;
import io.cqrssuite.example.schedule.ScheduledTickHandler;
import io.cqrssuite.factory.EventFactory;

/**
 * The example application's routing and handlers. A user's function replaces this module with its own: bind an
 * {@link EventFactory}, contribute each handler with {@code @Binds @IntoSet}. Nothing is discovered at run time.
 */
@Module
public interface CatalogModule {
  @Binds
  EventFactory eventFactory(CatalogEventFactory factory);

  @Binds
  @IntoSet
  EventHandler<?> orders(OrderHandler handler);

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
