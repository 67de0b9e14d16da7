package io.cqrssuite.command;

/**
 * What a publish did: {@code written} with the new version, or not written because the image equals the latest
 * (ignoring bookkeeping attributes), in which case {@code command} is that latest version.
 */
public record PublishResult(StoredCommand command, boolean written) {
  public boolean noOp() {
    return !written;
  }

  public long version() {
    return command.version();
  }
}
