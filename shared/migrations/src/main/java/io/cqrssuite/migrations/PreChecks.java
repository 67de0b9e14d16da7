package io.cqrssuite.migrations;

import io.cqrssuite.sync.rds.RdsConnections;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What must hold before a migration writes anything: the database answers within {@code connectTimeout}; Flyway has
 * pending migrations (reported: with none there is nothing to do, which is no failure); no other session has held a lock on an affected table for longer than
 * {@code lockAge} (its DDL would wait for it and time out); and, where {@link FreeStorage} can tell, there is room for a
 * second copy of the affected tables (a restore needs it). Read only: a failed check changes nothing.
 */
public final class PreChecks {
  private final RdsConnections connections;
  private final FlywayMigration flyway;
  private final EngineCatalog catalog;
  private final Duration connectTimeout;
  private final Duration lockAge;
  private final FreeStorage freeStorage;

  public PreChecks(
      RdsConnections connections, FlywayMigration flyway, Duration connectTimeout, Duration lockAge, FreeStorage freeStorage) {
    this.connections = connections;
    this.flyway = flyway;
    this.catalog = EngineCatalog.of(connections.dialect());
    this.connectTimeout = connectTimeout;
    this.lockAge = lockAge;
    this.freeStorage = freeStorage;
  }

  public PreCheckReport run(List<String> tables) throws Exception {
    List<String> failures = new ArrayList<>();
    long started = System.nanoTime();
    ExecutorService connect = Executors.newSingleThreadExecutor(task -> {
      Thread thread = new Thread(task, "migration-precheck-connect");
      thread.setDaemon(true);
      return thread;
    });
    AtomicBoolean abandoned = new AtomicBoolean();
    CompletableFuture<RdsConnections.Lease> lease = CompletableFuture.supplyAsync(() -> {
      try {
        RdsConnections.Lease borrowed = connections.borrow();
        try (var statement = borrowed.connection().createStatement()) {
          statement.execute("SELECT 1");
        } catch (Exception e) {
          borrowed.evict();
          borrowed.close();
          throw e;
        }
        return borrowed;
      } catch (Exception e) {
        throw new CompletionException(e);
      }
    }, connect);
    // A connect that answers after the timeout gives its connection back.
    lease.thenAccept(borrowed -> {
      if (abandoned.get()) {
        borrowed.close();
      }
    });
    RdsConnections.Lease borrowed;
    try {
      borrowed = lease.get(connectTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      abandoned.set(true);
      if (lease.isDone() && !lease.isCompletedExceptionally()) {
        lease.join().close();
      }
      failures.add("the database did not answer within " + connectTimeout.toMillis() + " ms");
      return new PreCheckReport(-1, List.of(), List.of(), OptionalLong.empty(), 0, failures);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause() : e.getCause();
      failures.add("the database could not be reached: " + MigrationFailure.describe(cause));
      return new PreCheckReport(-1, List.of(), List.of(), OptionalLong.empty(), 0, failures);
    } finally {
      connect.shutdown();
    }
    long connectMillis = (System.nanoTime() - started) / 1_000_000;
    List<LockHolder> holders;
    long tablesBytes;
    try (borrowed) {
      Connection connection = borrowed.connection();
      holders = catalog.lockHolders(connection, tables, lockAge);
      tablesBytes = catalog.tablesBytes(connection, tables);
      connection.commit();
    }
    List<String> pending = flyway.pending();
    if (!holders.isEmpty()) {
      failures.add(holders.size() + " lock(s) on the affected tables held by sessions in transactions open for "
          + lockAge.toSeconds() + " s or more (" + holders + "): end them, or wait, then migrate");
    }
    OptionalLong free = freeStorage.freeBytes();
    if (free.isPresent() && free.getAsLong() < tablesBytes) {
      failures.add("only " + free.getAsLong() + " bytes free; a restore needs " + tablesBytes + " for a second copy of the tables");
    }
    return new PreCheckReport(connectMillis, pending, holders, free, tablesBytes, failures);
  }
}
