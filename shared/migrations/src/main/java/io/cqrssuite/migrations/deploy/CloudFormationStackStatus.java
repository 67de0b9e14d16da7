package io.cqrssuite.migrations.deploy;

import io.cqrssuite.aws.AwsClients;
import io.cqrssuite.aws.AwsSettings;
import io.cqrssuite.deploy.StackStatus;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;

/**
 * A stack's status from CloudFormation's {@code DescribeStacks}, asked with the stack's ARN (a stack's name would
 * find only a live stack of that name; its ARN finds this one). Needs {@code cloudformation:DescribeStacks} on the
 * stack's own ARN. The client is built at the first question, not at init: a function that is never updated never
 * builds it, and a bad setting is a failed answer rather than a failed init.
 */
public final class CloudFormationStackStatus implements StackStatus {
  private final Supplier<CloudFormationClient> client;
  private CloudFormationClient built;

  public CloudFormationStackStatus(Supplier<CloudFormationClient> client) {
    this.client = client;
  }

  /** With the suite's client settings ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_CLOUDFORMATION}, ...). */
  public static CloudFormationStackStatus fromEnvironment(Map<String, String> env) {
    return new CloudFormationStackStatus(() -> new AwsClients(AwsSettings.fromEnvironment(env))
        .configureWithSdkRetries(CloudFormationClient.builder(), "CLOUDFORMATION").build());
  }

  @Override
  public String of(String stackId) {
    List<Stack> stacks = client().describeStacks(r -> r.stackName(stackId)).stacks();
    if (stacks.isEmpty()) {
      throw new IllegalStateException("DescribeStacks knows no stack " + stackId);
    }
    return stacks.get(0).stackStatusAsString();
  }

  private synchronized CloudFormationClient client() {
    if (built == null) {
      built = client.get();
    }
    return built;
  }
}
