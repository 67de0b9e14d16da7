package io.cqrssuite.command;

/**
 * The command item would exceed DynamoDB's 400 KB item limit even after large attributes went to S3 (or no bucket is
 * configured for them), or one attribute is larger than the bucket may hold for it. Names the attribute to shrink or
 * move; HTTP 413.
 */
public final class CommandTooLargeException extends CommandRejectedException {
  private static final long serialVersionUID = 1L;

  private final String attribute;
  private final long itemBytes;

  public CommandTooLargeException(String where, String attribute, long attributeBytes, long itemBytes, long limitBytes, String why) {
    super(where + ": the command item would be about " + itemBytes + " bytes, over DynamoDB's limit of " + limitBytes
        + "; its largest attribute is '" + attribute + "' (" + attributeBytes + " bytes)" + (why == null ? "" : ": " + why));
    this.attribute = attribute;
    this.itemBytes = itemBytes;
  }

  private CommandTooLargeException(String message, String attribute, long itemBytes) {
    super(message);
    this.attribute = attribute;
    this.itemBytes = itemBytes;
  }

  /** One attribute's value is larger than S3 may hold for it ({@code variable} names the limit). */
  static CommandTooLargeException attribute(String where, String attribute, long attributeBytes, long limitBytes, String variable) {
    return new CommandTooLargeException(where + ": attribute '" + attribute + "' is " + attributeBytes + " bytes as JSON, over the limit of "
        + limitBytes + " for one attribute in the command bucket (" + variable + ")", attribute, attributeBytes);
  }

  /** The attribute to shrink or move: the largest left in the item, or the one over the bucket's limit. */
  public String attribute() {
    return attribute;
  }

  public long itemBytes() {
    return itemBytes;
  }

  @Override
  public int httpStatus() {
    return 413;
  }
}
