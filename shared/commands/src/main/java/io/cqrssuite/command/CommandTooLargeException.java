package io.cqrssuite.command;

/**
 * The command item would exceed DynamoDB's 400 KB item limit even after large attributes went to S3 (or no bucket is
 * configured for them). Names the largest attribute, the one to shrink or move; HTTP 413.
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

  /** The largest attribute left in the item. */
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
