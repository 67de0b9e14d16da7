package io.cqrssuite.workflow;

import io.cqrssuite.aws.internal.OnFirstUse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cqrssuite.failure.PermanentException;
import io.cqrssuite.logging.CorrelationContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.ExecutionAlreadyExistsException;

/**
 * Starts Step Functions executions from events, idempotently (contract §3): the caller names the execution after
 * the event ({@link #executionName}), so a redelivered record starts nothing new on a STANDARD workflow. The
 * input object gets the current correlation id as {@code correlationId} (unless it names one already), where
 * {@code InboundRecord.correlationId()} finds it again in the workflow's tasks.
 *
 * <p>{@code ExecutionAlreadyExists} is success when the existing execution has the same input (a repeat of this
 * start, read back with {@code DescribeExecution}, so the role needs {@code states:DescribeExecution} too); with a
 * different input it is a {@link PermanentException}, because two events mapped to one name and retrying cannot
 * help. EXPRESS workflows do not de-duplicate by name: each start runs.
 */
public final class WorkflowStarts {
  /** Step Functions allows names of 1 to 80 characters. */
  public static final int MAX_NAME_LENGTH = 80;

  private static final int HASH_CHARS = 40;

  private final Supplier<SfnClient> sfn;
  private final ObjectMapper mapper;
  private final CorrelationContext correlation;

  /** {@code sfn} is called at most once, at the first start. */
  public WorkflowStarts(Supplier<SfnClient> sfn, ObjectMapper mapper, CorrelationContext correlation) {
    this.sfn = new OnFirstUse<>(sfn);
    this.mapper = mapper;
    this.correlation = correlation;
  }

  /**
   * The execution that runs, or ran, under this name.
   *
   * @param repeated {@code true} when Step Functions answered {@code ExecutionAlreadyExists} and the execution it
   *     has under that name was started with the same input, by an earlier delivery of the same event
   */
  public record Started(String executionArn, boolean repeated) {}

  /**
   * Starts {@code stateMachineArn} as {@code executionName} with {@code input} (a JSON object; {@code null} for an
   * empty one) plus the correlation id.
   *
   * @throws IllegalArgumentException when the name is not one {@link #executionName} could return
   * @throws PermanentException when an execution of that name exists with another input
   */
  public Started start(String stateMachineArn, String executionName, JsonNode input) {
    if (!isValidName(executionName)) {
      throw new IllegalArgumentException(
          "execution name must be 1 to 80 characters of A-Z a-z 0-9 - _, found '" + executionName + "' (see WorkflowStarts.executionName)");
    }
    if (input != null && !input.isObject()) {
      throw new IllegalArgumentException("workflow input must be a JSON object to carry a correlation id, found " + input.getNodeType());
    }
    ObjectNode stamped = input == null ? mapper.createObjectNode() : ((ObjectNode) input).deepCopy();
    String correlationId = correlation.current().orElse(null);
    if (correlationId != null && !stamped.hasNonNull(CorrelationContext.CARRIER)) {
      stamped.put(CorrelationContext.CARRIER, correlationId);
    }
    String json = write(stamped);
    try {
      String arn = sfn.get().startExecution(b -> b.stateMachineArn(stateMachineArn).name(executionName).input(json)).executionArn();
      return new Started(arn, false);
    } catch (ExecutionAlreadyExistsException e) {
      String executionArn = executionArn(stateMachineArn, executionName);
      String existing = sfn.get().describeExecution(b -> b.executionArn(executionArn)).input();
      // Both sides parsed from text: a long and an int of one value are then the same node.
      if (read(json).equals(read(existing))) {
        return new Started(executionArn, true);
      }
      throw new PermanentException(
          "execution " + executionArn + " exists with another input: two events were given the same execution name", e);
    }
  }

  /**
   * A deterministic execution name from the parts that identify the start (say the workflow's purpose and the
   * event id): joined with {@code -}; as is when that is at most {@value #MAX_NAME_LENGTH} characters of
   * {@code A-Z a-z 0-9 - _}, else a readable prefix (other characters as {@code _}) and the hex SHA-256 of the
   * joined parts, so two different inputs never share a name by being cut or cleaned alike.
   */
  public static String executionName(String... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("an execution name needs at least one part");
    }
    String joined = String.join("-", parts);
    if (isValidName(joined)) {
      return joined;
    }
    String hash = sha256(joined).substring(0, HASH_CHARS);
    StringBuilder prefix = new StringBuilder(MAX_NAME_LENGTH);
    for (int i = 0; i < joined.length() && prefix.length() < MAX_NAME_LENGTH - HASH_CHARS - 1; i++) {
      char c = joined.charAt(i);
      prefix.append(allowed(c) ? c : '_');
    }
    return prefix.length() == 0 ? hash : prefix + "-" + hash;
  }

  static boolean isValidName(String name) {
    if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (!allowed(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }

  /** {@code arn:aws:states:eu-west-1:123:stateMachine:orders} and {@code x} give {@code ...:execution:orders:x}. */
  static String executionArn(String stateMachineArn, String executionName) {
    int marker = stateMachineArn.indexOf(":stateMachine:");
    if (marker < 0) {
      throw new IllegalArgumentException("not a state machine ARN: " + stateMachineArn);
    }
    return stateMachineArn.substring(0, marker) + ":execution:" + stateMachineArn.substring(marker + ":stateMachine:".length()) + ":" + executionName;
  }

  private String write(JsonNode node) {
    try {
      return mapper.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("workflow input not writable", e);
    }
  }

  private JsonNode read(String json) {
    if (json == null) {
      return null;
    }
    try {
      return mapper.readTree(json);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
