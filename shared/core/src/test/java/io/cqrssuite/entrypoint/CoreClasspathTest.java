package io.cqrssuite.entrypoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.sql.Driver;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * The core is the jar every function takes, even one that only routes SQS messages: it must not drag in a database
 * driver, Flyway, the OpenSearch client or the AWS SDK. This test's classpath is the core's runtime classpath plus
 * JUnit and AssertJ, so a dependency that sneaks into the core shows up here.
 */
class CoreClasspathTest {
  private static final List<String> FORBIDDEN =
      List.of("postgresql", "mariadb-java-client", "mysql-connector", "flyway", "opensearch", "awssdk");

  @Test
  void theCoreRuntimeClasspathHasNoJdbcDriverFlywayOpenSearchClientOrAwsSdk() {
    List<String> jars =
        Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
            .map(path -> path.replace('\\', '/'))
            .toList();
    assertThat(jars).isNotEmpty();
    for (String forbidden : FORBIDDEN) {
      assertThat(jars).as("a %s jar on the core's classpath", forbidden).noneMatch(jar -> jar.contains(forbidden));
    }
    assertThat(ServiceLoader.load(Driver.class).stream().map(p -> p.type().getName()).toList()).isEmpty();
    assertThat(loadable("org.flywaydb.core.Flyway")).isFalse();
    assertThat(loadable("org.opensearch.client.opensearch.OpenSearchClient")).isFalse();
    assertThat(loadable("software.amazon.awssdk.core.SdkClient")).isFalse();
  }

  private static boolean loadable(String name) {
    try {
      Class.forName(name, false, CoreClasspathTest.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
