package io.cqrssuite.operations;

/**
 * A resync checkpoint was moved by another worker on the same segment after this one read it: this worker's pages
 * were written (the version guards make that harmless), but it must stop and leave the segment to the other. A retry
 * reads the newer checkpoint and goes on from there.
 */
public final class CheckpointConflictException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public CheckpointConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
