package io.cqrssuite.testing.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * A real OpenSearch 2.19 node inside this JVM, for the integration tests and the local run: single-node discovery,
 * loopback only, free ports, data in a temporary directory deleted on {@link #close()}. It starts in about five
 * seconds; start one per JVM and share it.
 *
 * <p>OpenSearch's own logging setup is skipped: it would redirect {@code System.out} and {@code System.err} into
 * log4j for the whole JVM, and the local runner's stdout carries its results. log4j is configured by the module's
 * {@code log4j2.properties} instead.
 */
public final class OpenSearchEngine implements AutoCloseable {
  private final OpenSearchRunner runner;
  private final Path baseDir;
  private final URI endpoint;

  private OpenSearchEngine(OpenSearchRunner runner, Path baseDir, URI endpoint) {
    this.runner = runner;
    this.baseDir = baseDir;
    this.endpoint = endpoint;
  }

  /** Starts a node and waits until it can take writes (cluster health yellow). */
  public static OpenSearchEngine start() {
    Path baseDir;
    try {
      baseDir = Files.createTempDirectory("suite-opensearch");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a directory for OpenSearch", e);
    }
    int httpPort = freePort();
    int transportPort = freePort();
    OpenSearchRunner runner = new OpenSearchRunner();
    runner.setMaxHttpPort(-1);
    runner.onBuild(
        (number, settings) -> {
          settings.put("network.host", "127.0.0.1");
          settings.put("discovery.type", "single-node");
          settings.put("http.port", String.valueOf(httpPort));
          settings.put("transport.port", String.valueOf(transportPort));
          settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
          settings.putList("node.roles", "cluster_manager", "data", "ingest");
        });
    try {
      runner.build(
          new OpenSearchRunner.Configs()
              .basePath(baseDir.toString())
              .numOfNode(1)
              .clusterName("suite-local")
              .useLogger()
              .disableESLogger());
      runner.ensureYellow();
    } catch (RuntimeException e) {
      closeQuietly(runner);
      delete(baseDir);
      throw new IllegalStateException("OpenSearch did not start on 127.0.0.1:" + httpPort + ": " + e.getMessage(), e);
    }
    return new OpenSearchEngine(runner, baseDir, URI.create("http://127.0.0.1:" + httpPort));
  }

  /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41873}: {@code SUITE_OPENSEARCH_ENDPOINT}. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void close() {
    closeQuietly(runner);
    delete(baseDir);
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on 127.0.0.1", e);
    }
  }

  private static void closeQuietly(OpenSearchRunner runner) {
    try {
      runner.close();
    } catch (IOException | RuntimeException e) {
      // The node is going away either way; what matters is that its directory goes too.
    }
  }

  private static void delete(Path dir) {
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
              Files.deleteIfExists(directory);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // A leftover temporary directory is harmless.
    }
  }
}
