package io.cqrssuite.sync.rds;

import io.cqrssuite.retry.InvocationDeadline;
import io.cqrssuite.retry.RetrySettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The JDBC connections of a container: a small pool that opens nothing until a connection is first borrowed.
 * Classic Lambda runs one invocation at a time per container, so only one connection is ever opened there; Lambda
 * Managed Instances run several invocations of one handler object at once, and each borrows its own connection
 * (a JDBC connection carries one transaction). At most {@code poolSize} connections are open
 * ({@code SUITE_RDS_POOL_SIZE}, default {@value #DEFAULT_POOL_SIZE}); a borrower that finds them all in use waits
 * for one within its invocation's time, then fails transiently. RDS Proxy, when used, pools on the server side.
 *
 * <p>Nothing waits longer than the invocation can ({@link InvocationDeadline}): opening a connection is bounded by
 * the time left (at most {@value #MAX_CONNECT_SECONDS} s), a borrowed connection gets a network timeout of the time
 * left, and each transaction's statement and lock waits are bounded again by what is left when it begins
 * ({@link Lease#limitTransaction()}); a connection still lent when the invocation's time is up is aborted. A
 * half-open connection or a lock held by another session therefore fails its records transiently in time for the
 * invocation to answer, instead of running it into Lambda's timeout.
 *
 * <p>An idle connection is checked ({@link Connection#isValid}, 2 s) before it is lent again when it has been idle
 * for more than a second, because a frozen container may wake up after the server or a proxy closed it; a
 * connection whose use failed is {@linkplain Lease#evict() evicted}. Connections run with autocommit off: the
 * writers commit per batch chunk, and a lease left with an open transaction is rolled back when returned.
 *
 * <p>A login the server refuses (SQLState class 28) is tried once more after {@link PasswordSource#invalidate()},
 * so a password rotated in Secrets Manager is picked up by the connect that first meets it; a password source
 * that fails is reported as a connection that could not open (SQLState 08001, transient).
 *
 * <p>Why not HikariCP: it opens connections on its own background thread with pool-wide timeouts, so the deadline
 * of the invocation that waits for a connection could not bound the connect; and its housekeeping thread reads a
 * Lambda freeze as a clock leap. What is needed here (lazy, bounded, validated, deadline-aware) is this class.
 */
public final class RdsConnections implements AutoCloseable {
  /** Connections per container when {@code SUITE_RDS_POOL_SIZE} is not set. */
  public static final int DEFAULT_POOL_SIZE = 4;

  static final int MAX_CONNECT_SECONDS = 10;
  private static final Duration MAX_CONNECT = Duration.ofSeconds(MAX_CONNECT_SECONDS);
  /** The longest any statement may take: Lambda's longest invocation. */
  private static final Duration MAX_CALL = Duration.ofMinutes(15);
  /** The least time a call is given, so one with no time left fails at once instead of reading 0 as "none". */
  private static final Duration MIN_CALL = Duration.ofMillis(100);
  private static final int VALIDATION_SECONDS = 2;
  private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** A session's statement and lock limits have not been set, or are not known: the next transaction sets them. */
  private static final long UNKNOWN_LIMIT = -1;
  /** How long past its budget a lent connection may still be busy before it is aborted. */
  private static final Duration ABORT_GRACE = Duration.ofMillis(250);

  private final SqlDialect dialect;
  private final String url;
  private final String user;
  private final PasswordSource password;
  private final InvocationDeadline deadline;
  private final int poolSize;
  private final Semaphore permits;
  /** Idle connections, the most recently returned first (the warmest, the least likely to be closed server-side). */
  private final Deque<Idle> idle = new ArrayDeque<>();
  private boolean closed;
  private ScheduledExecutorService watchdogs;

  public RdsConnections(
      SqlDialect dialect, String url, String user, PasswordSource password, InvocationDeadline deadline, int poolSize) {
    if (poolSize < 1) {
      throw new IllegalArgumentException("SUITE_RDS_POOL_SIZE must be at least 1, found " + poolSize);
    }
    this.dialect = dialect;
    this.url = url;
    this.user = user;
    this.password = password;
    this.deadline = deadline;
    this.poolSize = poolSize;
    this.permits = new Semaphore(poolSize, true);
  }

  /** Outside any invocation's deadline (tools, tests), with the default pool size. */
  public RdsConnections(SqlDialect dialect, String url, String user, PasswordSource password) {
    this(
        dialect, url, user, password,
        new InvocationDeadline(Clock.systemUTC(), RetrySettings.defaults().deadlineMargin()), DEFAULT_POOL_SIZE);
  }

  public static RdsConnections of(RdsSettings settings, InvocationDeadline deadline) {
    return new RdsConnections(
        settings.dialect(), settings.url(), settings.user(), settings.passwordSource(), deadline, settings.poolSize());
  }

  public SqlDialect dialect() {
    return dialect;
  }

  /**
   * A live connection for the calling invocation, with its network timeout set to the time the invocation has
   * left; close the lease to give it back.
   *
   * @throws SQLTransientConnectionException when every connection stays in use, or none could be opened in time
   */
  public Lease borrow() throws SQLException {
    Duration wait = deadline.callTimeout(MAX_CONNECT, MIN_CALL);
    boolean acquired;
    try {
      acquired = permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
    }
    if (!acquired) {
      throw new SQLTransientConnectionException(
          "all " + poolSize + " connections to the " + dialect.name() + " read model stayed in use for "
              + wait.toMillis() + " ms (SUITE_RDS_POOL_SIZE)",
          "08001");
    }
    Connection connection = null;
    try {
      Idle reused = idleConnection();
      long limit = reused == null ? UNKNOWN_LIMIT : reused.limitMillis();
      connection = reused == null ? open() : reused.connection();
      Duration budget = deadline.callTimeout(MAX_CALL, MIN_CALL);
      connection.setNetworkTimeout(Runnable::run, millis(budget));
      return new Lease(connection, deadline.bounded() ? watchdog(connection, budget.plus(ABORT_GRACE)) : null, limit);
    } catch (SQLException | RuntimeException e) {
      if (connection != null) {
        closeQuietly(connection);
      }
      permits.release();
      throw e;
    }
  }

  /**
   * Closes every idle connection and stops the watchdog thread, leaving the pool open: the next borrow connects
   * afresh. For a SnapStart snapshot, which must hold no socket (it would be restored into many sandboxes at once).
   *
   * @return how many connections were closed
   */
  public int closeIdle() {
    List<Idle> closing;
    synchronized (this) {
      closing = List.copyOf(idle);
      idle.clear();
      if (watchdogs != null) {
        watchdogs.shutdownNow();
        watchdogs = null;
      }
    }
    closing.forEach(entry -> closeQuietly(entry.connection()));
    return closing.size();
  }

  /** Closes the idle connections; lent ones are closed when they come back. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      idle.forEach(entry -> closeQuietly(entry.connection()));
      idle.clear();
      if (watchdogs != null) {
        watchdogs.shutdownNow();
      }
    }
  }

  /**
   * Aborts {@code connection} if it is still lent after {@code after}: the backstop behind the engine timeouts.
   * They bound each statement, but a batch is many statements, and MariaDB's driver sends a batch's statements
   * together, so the server runs every one of them (each waiting out its own lock timeout) even after the first
   * failed. Aborting closes the socket: the server rolls the transaction back, the rows fail transiently.
   */
  private ScheduledFuture<?> watchdog(Connection connection, Duration after) {
    ScheduledExecutorService timer;
    synchronized (this) {
      if (watchdogs == null) {
        ScheduledThreadPoolExecutor executor =
            new ScheduledThreadPoolExecutor(
                1,
                task -> {
                  Thread thread = new Thread(task, "rds-connection-watchdog");
                  thread.setDaemon(true);
                  return thread;
                });
        executor.setRemoveOnCancelPolicy(true);
        watchdogs = executor;
      }
      timer = watchdogs;
    }
    return timer.schedule(
        () -> {
          try {
            connection.abort(Runnable::run);
          } catch (SQLException | RuntimeException ignored) {
            // Already closed: nothing left to stop.
          }
        },
        after.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The warmest idle connection that still answers, or {@code null}. */
  private Idle idleConnection() {
    while (true) {
      Idle entry;
      synchronized (this) {
        entry = idle.pollFirst();
      }
      if (entry == null) {
        return null;
      }
      Connection connection = entry.connection();
      try {
        if (!connection.isClosed()
            && (System.nanoTime() - entry.since() < VALIDATE_AFTER_IDLE_NANOS || connection.isValid(VALIDATION_SECONDS))) {
          return entry;
        }
      } catch (SQLException e) {
        // Checking a broken connection may itself fail; it is dropped either way.
      }
      closeQuietly(connection);
    }
  }

  private void giveBack(Connection connection, boolean broken, long limitMillis) {
    try {
      if (broken || connection.isClosed()) {
        closeQuietly(connection);
        return;
      }
      // An open transaction would keep its locks while the connection sits idle.
      connection.rollback();
      synchronized (this) {
        if (!closed) {
          idle.addFirst(new Idle(connection, System.nanoTime(), limitMillis));
          return;
        }
      }
      closeQuietly(connection);
    } catch (SQLException e) {
      closeQuietly(connection);
    } finally {
      permits.release();
    }
  }

  /** Connects; a refused login is tried once more with the password read afresh (a rotated secret). */
  private Connection open() throws SQLException {
    try {
      return connect();
    } catch (SQLException e) {
      if (!SqlFailures.authenticationFailed(e)) {
        throw e;
      }
      password.invalidate();
      return connect();
    }
  }

  private Connection connect() throws SQLException {
    DatabaseLogin login;
    try {
      login = password.login(user);
    } catch (RuntimeException e) {
      // Not the records' fault: a connection that cannot open, retried like one.
      throw new SQLTransientConnectionException(
          "no password for the " + dialect.name() + " connection: " + e.getMessage(), "08001", e);
    }
    Properties properties = dialect.connectionProperties();
    dialect.limitConnect(properties, deadline.callTimeout(MAX_CONNECT, MIN_CALL));
    if (login.user() != null && !login.user().isEmpty()) {
      properties.setProperty("user", login.user());
    }
    if (login.password() != null) {
      properties.setProperty("password", login.password());
    }
    Connection connection = dialect.driver().connect(url, properties);
    if (connection == null) {
      throw new SQLException("the " + dialect.name() + " driver does not accept this JDBC URL", "08001");
    }
    try {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        for (String sql : dialect.sessionSetup()) {
          statement.execute(sql);
        }
      }
      connection.commit();
      return connection;
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  private static int millis(Duration duration) {
    return (int) Math.min(Integer.MAX_VALUE, duration.toMillis());
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Closing a broken connection may fail; it is dropped either way.
    }
  }

  /** An idle connection, since when, and the statement and lock limit its session holds ({@link #UNKNOWN_LIMIT}). */
  private record Idle(Connection connection, long since, long limitMillis) {}

  /**
   * The limit a transaction starting with {@code left} to go is given: rounded down to the whole second (to the
   * 100 ms under 2 s), never above what is left, so that consecutive invocations, which start with the same time
   * left give or take a few milliseconds, find it already set and send nothing.
   */
  static long sessionLimit(Duration left) {
    long millis = Math.max(1, left.toMillis());
    long step = millis >= 2000 ? 1000 : 100;
    return Math.max(Math.min(millis, step), millis / step * step);
  }

  /**
   * One borrowed connection. Close it to give it back; {@linkplain #evict() evict} it first when it failed in a way
   * that may have left it broken, so it is closed instead of lent again.
   */
  public final class Lease implements AutoCloseable {
    private final Connection connection;
    private final ScheduledFuture<?> watchdog;
    private boolean broken;
    private boolean returned;
    /** What the session's limits are now, as far as this pool set them. */
    private long limitMillis;

    private Lease(Connection connection, ScheduledFuture<?> watchdog, long limitMillis) {
      this.connection = connection;
      this.watchdog = watchdog;
      this.limitMillis = limitMillis;
    }

    public Connection connection() {
      return connection;
    }

    /**
     * Bounds the statements and lock waits of the transaction about to begin by the time the invocation has left
     * now ({@link #sessionLimit}; PostgreSQL {@code statement_timeout} and {@code lock_timeout}; MariaDB
     * {@code max_statement_time}, {@code lock_wait_timeout} and {@code innodb_lock_wait_timeout}). The limits are
     * the session's and outlive the transaction, so a session that already holds the same limit is sent nothing:
     * in a warm container that is every transaction but the first of a second of time left, one round trip per
     * chunk saved. A lease that cannot tell what the session holds (a new connection, a limit only the open
     * transaction got) sets it.
     */
    public void limitTransaction() throws SQLException {
      long limit = sessionLimit(deadline.callTimeout(MAX_CALL, MIN_CALL));
      if (limit == limitMillis) {
        return;
      }
      limitMillis = UNKNOWN_LIMIT;
      if (dialect.limitSession(connection, Duration.ofMillis(limit))) {
        limitMillis = limit;
      }
    }

    /** The connection failed: close it when the lease ends instead of lending it again. */
    public void evict() {
      broken = true;
    }

    @Override
    public void close() {
      if (!returned) {
        returned = true;
        // A watchdog that already fired left the connection closed: giveBack drops it.
        if (watchdog != null) {
          watchdog.cancel(false);
        }
        giveBack(connection, broken, limitMillis);
      }
    }
  }
}
