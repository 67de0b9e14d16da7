package io.cqrssuite.testing.engine;

/**
 * The engines the integration tests share: each started once per test JVM, on first use (a test run that needs
 * only PostgreSQL never starts MariaDB), and stopped by a shutdown hook when the JVM ends. The holder classes make
 * the start lazy and thread-safe without mutable static state.
 */
public final class TestEngines {
  private TestEngines() {}

  public static PostgresEngine postgres() {
    return PostgresHolder.ENGINE;
  }

  public static MariaDbEngine mariaDb() {
    return MariaDbHolder.ENGINE;
  }

  /** The OpenSearch node (about five seconds to start, on first call); tests keep apart by their own index names. */
  public static OpenSearchEngine openSearch() {
    return OpenSearchHolder.ENGINE;
  }

  /** By name: {@code postgresql} or {@code mariadb}, for tests parameterized over both. */
  public static SqlEngine named(String name) {
    return switch (name) {
      case "postgresql" -> postgres();
      case "mariadb" -> mariaDb();
      default -> throw new IllegalArgumentException("no test engine named '" + name + "'");
    };
  }

  private static <T extends SqlEngine> T stopAtExit(T engine) {
    Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "stop-" + engine.name()));
    return engine;
  }

  private static final class PostgresHolder {
    static final PostgresEngine ENGINE = stopAtExit(PostgresEngine.start());
  }

  private static final class MariaDbHolder {
    static final MariaDbEngine ENGINE = stopAtExit(MariaDbEngine.start());
  }

  private static final class OpenSearchHolder {
    static final OpenSearchEngine ENGINE = started();

    private static OpenSearchEngine started() {
      OpenSearchEngine engine = OpenSearchEngine.start();
      Runtime.getRuntime().addShutdownHook(new Thread(engine::close, "stop-opensearch"));
      return engine;
    }
  }
}
