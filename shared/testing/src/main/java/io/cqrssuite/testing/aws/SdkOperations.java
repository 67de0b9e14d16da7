package io.cqrssuite.testing.aws;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Records the operations one SDK client is asked for (add it with {@code overrideConfiguration(o ->
 * o.addExecutionInterceptor(...))}), so a test can prove a call was never made: that a refused S3 pointer was never
 * read, for one.
 */
public final class SdkOperations implements ExecutionInterceptor {
  private final List<String> operations = new CopyOnWriteArrayList<>();

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    operations.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
  }

  /** The operation names so far, in order ({@code HeadObject}, {@code GetObject}, ...). */
  public List<String> operations() {
    return List.copyOf(operations);
  }

  public void clear() {
    operations.clear();
  }
}
