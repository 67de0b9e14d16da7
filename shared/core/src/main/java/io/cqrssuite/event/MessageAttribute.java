package io.cqrssuite.event;

/**
 * One SQS or SNS message attribute. {@code dataType} is AWS's ({@code String}, {@code Number}, {@code Binary},
 * {@code String.Array}, or a custom suffix such as {@code Number.int}); binary values stay base64 as delivered.
 */
public record MessageAttribute(String dataType, String stringValue, String binaryValueBase64) {
  public static MessageAttribute string(String value) {
    return new MessageAttribute("String", value, null);
  }
}
