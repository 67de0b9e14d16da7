package io.cqrssuite.deploy;

import io.cqrssuite.logging.StructuredLog;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Makes CloudFormation's own rollback of an update a no-op. Rolling a stack back, CloudFormation sends the custom
 * resource an {@code Update} with the <em>old</em> properties; running the work then (migrating a schema again, with
 * the code of either deploy) would be wrong: the rollback is there to undo, and a migration is undone only by the
 * migration pipeline's own restore. The request looks like any update to older properties (a revert deployed on
 * purpose sends the same), so the stack's status is asked: {@value StackStatus#UPDATE_ROLLBACK_IN_PROGRESS} answers
 * success at once, with {@code skipped} in the data. When the status cannot be read the update fails with that
 * reason rather than guess: a real rollback then stops in {@code UPDATE_ROLLBACK_FAILED}, which an operator continues
 * with the resource skipped, where a guess could have migrated during a rollback or skipped a real migration.
 */
final class RollbackAwareAction implements CustomResourceProvider.Action {
  private final CustomResourceProvider.Action action;
  private final StackStatus stacks;
  private final StructuredLog log;

  RollbackAwareAction(CustomResourceProvider.Action action, StackStatus stacks, StructuredLog log) {
    this.action = action;
    this.stacks = stacks;
    this.log = log;
  }

  @Override
  public Map<String, ?> apply(CustomResourceRequest request) throws Exception {
    if (request.requestType() != CustomResourceRequest.RequestType.UPDATE) {
      return action.apply(request);
    }
    String status;
    try {
      status = stacks.of(request.stackId());
    } catch (Exception e) {
      throw new IllegalStateException("cannot tell whether stack " + request.stackId() + " is rolling back (DescribeStacks"
          + " failed: " + CustomResourceProvider.reason(e) + "), so nothing was done; if it is rolling back, continue the"
          + " rollback skipping " + request.logicalResourceId(), e);
    }
    if (StackStatus.UPDATE_ROLLBACK_IN_PROGRESS.equals(status)) {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("logicalResourceId", request.logicalResourceId());
      fields.put("stackId", request.stackId());
      fields.put("stackStatus", status);
      log.info("CloudFormation is rolling the stack back: this Update carries the old properties and is answered"
          + " SUCCESS without doing anything", fields);
      return Map.of("skipped", status);
    }
    return action.apply(request);
  }
}
