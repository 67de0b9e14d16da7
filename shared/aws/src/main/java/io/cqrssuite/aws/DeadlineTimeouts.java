package io.cqrssuite.aws;

import io.cqrssuite.retry.InvocationDeadline;
import java.time.Duration;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Shortens a request's API call timeout to the time its invocation has left, when that is shorter than the
 * client's: the SDK reads the timeout from the request as the interceptors modified it. A request that names its
 * own shorter timeout keeps it.
 */
final class DeadlineTimeouts implements ExecutionInterceptor {
  /** A call with no time left still gets this much, and then fails with a timeout rather than "no timeout". */
  private static final Duration FLOOR = Duration.ofMillis(100);

  private final InvocationDeadline deadline;
  private final Duration ceiling;

  DeadlineTimeouts(InvocationDeadline deadline, Duration ceiling) {
    this.deadline = deadline;
    this.ceiling = ceiling;
  }

  Duration timeoutNow() {
    return deadline.bounded() ? deadline.callTimeout(ceiling, FLOOR) : ceiling;
  }

  @Override
  public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
    SdkRequest request = context.request();
    if (!(request instanceof AwsRequest aws) || !deadline.bounded()) {
      return request;
    }
    Duration timeout = deadline.callTimeout(ceiling, FLOOR);
    if (timeout.compareTo(ceiling) >= 0) {
      return request;
    }
    AwsRequestOverrideConfiguration.Builder override =
        aws.overrideConfiguration()
            .map(AwsRequestOverrideConfiguration::toBuilder)
            .orElseGet(AwsRequestOverrideConfiguration::builder);
    Duration own = override.apiCallTimeout();
    if (own != null && own.compareTo(timeout) <= 0) {
      return request;
    }
    return aws.toBuilder().overrideConfiguration(override.apiCallTimeout(timeout).build()).build();
  }
}
