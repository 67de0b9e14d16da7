package io.cqrssuite.operations;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Where a resync stands, per scan segment, so that a crash or a Lambda timeout continues where it stopped: the key to
 * resume after, or done. A checkpoint is saved only after the page before it is written to every read model.
 */
public interface ResyncCheckpoints {
  /** The segment's state: empty when it has not started. */
  Optional<State> load(int segment) throws Exception;

  void save(int segment, State state) throws Exception;

  /** One segment's progress: {@code next} is {@code null} once {@code done}. */
  record State(Map<String, AttributeValue> next, boolean done, long entities) {}

  /** Keeps nothing: a resync that starts over every time. */
  static ResyncCheckpoints none() {
    return new ResyncCheckpoints() {
      @Override
      public Optional<State> load(int segment) {
        return Optional.empty();
      }

      @Override
      public void save(int segment, State state) {}
    };
  }
}
