package io.cqrssuite.catalog.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.bus.NoHandlerException;
import io.cqrssuite.command.CommandSettings;
import io.cqrssuite.command.CommandSyncSettings;
import io.cqrssuite.command.CommandSyncTask;
import io.cqrssuite.entrypoint.InvocationOutcome;
import io.cqrssuite.catalog.function.CatalogComponent;
import io.cqrssuite.catalog.function.CatalogHandler;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code EventFactoryFunction}'s graph with and without the command side's variables. */
class CommandSideWiringTest {
  private static final String TASK = "{\"executionId\": \"arn:aws:states:us-east-1:1:execution:dev-catalog-command-sync:e1\","
      + " \"state\": \"SyncCommand\", \"type\": \"" + CommandSyncTask.TYPE + "\","
      + " \"input\": {\"table\": \"dev-catalog-product-command\", \"pk\": \"PRODUCT#acme\", \"code\": \"P-1\", \"version\": 1}}";

  @Test
  void withoutACommandTableTheSyncTaskHasNoHandler() {
    InvocationOutcome outcome = CatalogComponent.create(Map.of("AWS_REGION", "us-east-1", "SUITE_LOG_LEVEL", "ERROR"))
        .entrypoint()
        .handle(new ByteArrayInputStream(TASK.getBytes(StandardCharsets.UTF_8)));

    assertThat(outcome.error()).isInstanceOf(NoHandlerException.class);
  }

  @Test
  void workflowModeWithoutAStateMachineFailsAtInitNamingTheVariable() {
    Map<String, String> env = Map.of(
        "AWS_REGION", "us-east-1",
        "SUITE_LOG_LEVEL", "ERROR",
        CommandSettings.TABLE, "dev-catalog-product-command",
        CommandSyncSettings.MODE, "workflow");

    assertThatThrownBy(() -> new CatalogHandler(env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(CommandSyncSettings.STATE_MACHINE_ARN);
  }
}
