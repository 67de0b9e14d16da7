package io.cqrssuite.command;

import io.cqrssuite.event.DataChangeEvent;
import io.cqrssuite.event.DomainEvent;
import io.cqrssuite.event.EventBridgeEvent;
import io.cqrssuite.event.S3ObjectEvent;
import io.cqrssuite.event.SnsMessageEvent;
import io.cqrssuite.event.SqsMessageEvent;
import io.cqrssuite.event.TaskEvent;
import io.cqrssuite.factory.EventFactory;
import java.util.List;

/**
 * A function's {@link EventFactory} with the command side's task added: a {@link TaskEvent} of type
 * {@value CommandSyncTask#TYPE} becomes a {@link CommandSyncTask}; everything else goes to the function's own factory,
 * unchanged. So a function's routing need not know the command workflow's task type.
 */
public final class CommandTaskRouting implements EventFactory {
  private final EventFactory delegate;

  public CommandTaskRouting(EventFactory delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<DomainEvent> transformStepFunction(TaskEvent event) {
    return CommandSyncTask.TYPE.equals(event.type()) ? List.of(CommandSyncTask.of(event)) : delegate.transformStepFunction(event);
  }

  @Override
  public List<DomainEvent> transformS3(S3ObjectEvent event) {
    return delegate.transformS3(event);
  }

  @Override
  public List<DomainEvent> transformSqs(SqsMessageEvent event) {
    return delegate.transformSqs(event);
  }

  @Override
  public List<DomainEvent> transformSns(SnsMessageEvent event) {
    return delegate.transformSns(event);
  }

  @Override
  public List<DomainEvent> transformEventBridge(EventBridgeEvent event) {
    return delegate.transformEventBridge(event);
  }

  @Override
  public List<DomainEvent> transformDynamodbStream(DataChangeEvent event) {
    return delegate.transformDynamodbStream(event);
  }
}
