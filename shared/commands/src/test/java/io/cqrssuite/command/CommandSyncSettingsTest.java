package io.cqrssuite.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.event.InvalidEventException;
import io.cqrssuite.event.TaskEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sync mode from the environment, the workflow's task payload, and the execution names. */
class CommandSyncSettingsTest {
  private static final String ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:dev-catalog-command-sync";
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void directIsTheDefaultAndWorkflowNeedsAStateMachine() {
    assertThat(CommandSyncSettings.fromEnvironment(Map.of()).mode()).isEqualTo(CommandSyncSettings.Mode.DIRECT);
    assertThat(CommandSyncSettings.fromEnvironment(Map.of(CommandSyncSettings.MODE, " Workflow ", CommandSyncSettings.STATE_MACHINE_ARN, ARN)))
        .isEqualTo(new CommandSyncSettings(CommandSyncSettings.Mode.WORKFLOW, ARN));
    assertThatThrownBy(() -> CommandSyncSettings.fromEnvironment(Map.of(CommandSyncSettings.MODE, "workflow")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CommandSyncSettings.STATE_MACHINE_ARN);
    assertThatThrownBy(() -> CommandSyncSettings.fromEnvironment(Map.of(CommandSyncSettings.MODE, "async")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("direct or workflow");
  }

  @Test
  void theBatchedWritesAreAutoByDefaultAndOnlyTheThreeNamedPaths() {
    assertThat(CommandSyncWrites.fromEnvironment(Map.of())).isEqualTo(CommandSyncWrites.AUTO);
    assertThat(CommandSyncWrites.fromEnvironment(Map.of(CommandSyncWrites.VARIABLE, "Transactions"))).isEqualTo(CommandSyncWrites.TRANSACTIONS);
    assertThat(CommandSyncWrites.fromEnvironment(Map.of(CommandSyncWrites.VARIABLE, "conditional-puts"))).isEqualTo(CommandSyncWrites.CONDITIONAL_PUTS);
    assertThatThrownBy(() -> CommandSyncWrites.fromEnvironment(Map.of(CommandSyncWrites.VARIABLE, "batch-write")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(CommandSyncWrites.VARIABLE).hasMessageContaining("conditional-puts");
  }

  @Test
  void theExecutionNameDependsOnTheCommandOnlyAndIsAValidName() {
    String name = CommandIntake.executionName("dev-catalog-product-command", "PRODUCT#acme", "P-001", 12);
    assertThat(name).isEqualTo(CommandIntake.executionName("dev-catalog-product-command", "PRODUCT#acme", "P-001", 12));
    assertThat(name).matches("[A-Za-z0-9_-]{1,80}").startsWith("command-sync-");
    assertThat(name)
        .isNotEqualTo(CommandIntake.executionName("dev-catalog-product-command", "PRODUCT#acme", "P-001", 13))
        .isNotEqualTo(CommandIntake.executionName("dev-catalog-product-command", "PRODUCT#acme", "P-0011", 2))
        .isNotEqualTo(CommandIntake.executionName("dev-catalog-product-command", "PRODUCT#acmf", "P-001", 12));
  }

  @Test
  void aTaskNamesTheCommandByKeyAndVersionOrIsRejectedSayingWhichField() {
    ObjectNode input = mapper.createObjectNode().put("table", "dev-catalog-product-command").put("pk", "PRODUCT#acme").put("code", "P-001").put("version", 3);
    TaskEvent task = new TaskEvent(null, "arn:aws:states:eu-west-1:1:execution:m:e", "SyncCommand", null, CommandSyncTask.TYPE, input);

    assertThat(CommandSyncTask.of(task))
        .isEqualTo(new CommandSyncTask("arn:aws:states:eu-west-1:1:execution:m:e#SyncCommand", "dev-catalog-product-command", "PRODUCT#acme", "P-001", 3));
    assertThatThrownBy(() -> CommandSyncTask.of(new TaskEvent(null, "x", "s", null, CommandSyncTask.TYPE, input.deepCopy().put("version", "3"))))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("input.version");
    assertThatThrownBy(() -> CommandSyncTask.of(new TaskEvent(null, "x", "s", null, CommandSyncTask.TYPE, input.deepCopy().without("code"))))
        .isInstanceOf(InvalidEventException.class).hasMessageContaining("input.code");
  }
}
