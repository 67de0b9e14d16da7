package io.cqrssuite.migrations.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cqrssuite.deploy.StackStatus;
import io.cqrssuite.testing.aws.FakeCloudFormation;
import io.cqrssuite.testing.aws.MotoServer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;

/**
 * The stack status the deploy-time migration asks before an Update: from moto's CloudFormation for a real stack, and
 * from the wire for {@code UPDATE_ROLLBACK_IN_PROGRESS}, a state moto does not put a stack in on request.
 */
class CloudFormationStackStatusTest {
  private static final String TEMPLATE = "{\"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\"}}}";

  @Test
  void readsTheStatusOfAStackByItsArn() throws Exception {
    try (MotoServer moto = MotoServer.start();
        CloudFormationClient cloudFormation = CloudFormationClient.builder()
            .endpointOverride(moto.endpoint())
            .region(Region.of(moto.region()))
            .credentialsProvider(StaticCredentialsProvider.create(moto.credentials()))
            .build()) {
      String stackId = cloudFormation.createStack(r -> r.stackName("catalog-status").templateBody(TEMPLATE)).stackId();
      StackStatus status = new CloudFormationStackStatus(() -> cloudFormation);

      assertThat(status.of(stackId)).isEqualTo("CREATE_COMPLETE");
      assertThatThrownBy(() -> status.of(stackId.replace("catalog-status", "catalog-gone")))
          .as("a stack that is not there is an error, never a status").isInstanceOf(CloudFormationException.class);
    }
  }

  @Test
  void readsARollbackAsCloudFormationSendsItWithTheClientTheEnvironmentConfigures() throws Exception {
    String stackId = "arn:aws:cloudformation:us-east-1:123456789012:stack/catalog/0a1b2c3d";
    String savedKey = System.getProperty("aws.accessKeyId");
    String savedSecret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    try (FakeCloudFormation cloudFormation = FakeCloudFormation.start(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS)) {
      StackStatus status = CloudFormationStackStatus.fromEnvironment(Map.of(
          "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_CLOUDFORMATION", cloudFormation.endpoint().toString()));

      assertThat(status.of(stackId)).isEqualTo(StackStatus.UPDATE_ROLLBACK_IN_PROGRESS);
      cloudFormation.status("UPDATE_IN_PROGRESS");
      assertThat(status.of(stackId)).isEqualTo("UPDATE_IN_PROGRESS");
      assertThat(cloudFormation.stacksAsked()).as("asked by the stack's ARN").containsExactly(stackId, stackId);
    } finally {
      restore("aws.accessKeyId", savedKey);
      restore("aws.secretAccessKey", savedSecret);
    }
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }
}
