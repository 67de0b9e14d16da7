package io.cqrssuite.migrations;

import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;

/**
 * Bounds every session Flyway opens: right after it connects, the engine's lock and statement timeouts are set on
 * that connection, so a migration behind a held lock fails within the lock timeout instead of waiting for it. A
 * callback on {@link Event#AFTER_CONNECT} rather than Flyway's {@code initSql}, which Flyway has deprecated and warns
 * about on every run.
 */
final class SessionTimeouts implements Callback {
  private final String sql;

  SessionTimeouts(String sql) {
    this.sql = sql;
  }

  @Override
  public boolean supports(Event event, Context context) {
    return event == Event.AFTER_CONNECT;
  }

  @Override
  public boolean canHandleInTransaction(Event event, Context context) {
    return true;
  }

  @Override
  public void handle(Event event, Context context) {
    try (Statement statement = context.getConnection().createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new FlywayException("could not set the session's timeouts (" + sql + "): " + e.getMessage(), e);
    }
  }

  @Override
  public String getCallbackName() {
    return "session timeouts";
  }
}
