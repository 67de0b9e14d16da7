package io.cqrssuite.command;

/**
 * What a publish did: {@code written} with the new version; or not written because the image equals the latest
 * (ignoring bookkeeping attributes), or because the entity already holds content from a newer or equal source
 * version ({@code superseded}); in both cases {@code command} is that latest version.
 */
public record PublishResult(StoredCommand command, boolean written, boolean superseded) {
  public PublishResult(StoredCommand command, boolean written) {
    this(command, written, false);
  }

  public boolean noOp() {
    return !written;
  }

  public long version() {
    return command.version();
  }
}
