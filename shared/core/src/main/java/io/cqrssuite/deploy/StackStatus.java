package io.cqrssuite.deploy;

/**
 * The status of the stack a custom resource belongs to, as CloudFormation's {@code DescribeStacks} reports it for the
 * stack's own ARN (the request's {@code StackId}). A custom resource asks it on {@code Update}: the request alone
 * cannot tell a rollback from a deliberate deploy of older properties, the stack's status can.
 */
@FunctionalInterface
public interface StackStatus {
  /** The status CloudFormation gives a stack while it rolls a failed update back. */
  String UPDATE_ROLLBACK_IN_PROGRESS = "UPDATE_ROLLBACK_IN_PROGRESS";

  /**
   * The stack's status, e.g. {@code UPDATE_IN_PROGRESS}.
   *
   * @throws Exception when CloudFormation cannot be asked; the caller then cannot tell, and says so
   */
  String of(String stackId) throws Exception;
}
