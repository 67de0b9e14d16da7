package io.cqrssuite.testing.permissions;

/**
 * One operation a function performed, as IAM sees it.
 *
 * @param function the template's logical id of the function that made it
 * @param action the IAM action, e.g. {@code dynamodb:PutItem} or {@code es:ESHttpPost}
 * @param resource what the call named, as the code gave it: a table name, a queue URL, {@code bucket/key}, an
 *     ARN, an OpenSearch path; {@code null} when the call names none (task tokens)
 */
public record RecordedCall(String function, String action, String resource) {
  public String service() {
    return action.substring(0, action.indexOf(':'));
  }
}
