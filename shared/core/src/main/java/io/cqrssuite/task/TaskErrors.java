package io.cqrssuite.task;

import io.cqrssuite.payload.Channel;

/**
 * The error names the suite reports with {@code SendTaskFailure}, for a state's {@code Retry} and {@code Catch}
 * to match: retry {@link #TRANSIENT}, catch {@link #PERMANENT}.
 */
public final class TaskErrors {
  /** A failure that may pass on a later attempt: list it in the state's {@code Retry.ErrorEquals}. */
  public static final String TRANSIENT = "CqrsSuite.TransientError";
  /** A failure no retry can fix (bad input): list it in {@code Catch}, not in {@code Retry}. */
  public static final String PERMANENT = "CqrsSuite.PermanentError";
  /** The output exceeded what {@code SendTaskSuccess} accepts. */
  public static final String OUTPUT_TOO_LARGE = "CqrsSuite.OutputTooLarge";

  /** {@code SendTaskFailure} limits (contract §6). */
  public static final int MAX_ERROR = 256;

  public static final int MAX_CAUSE = 32_768;
  /** {@code SendTaskSuccess} output limit, the Step Functions channel's ({@link Channel#STEP_FUNCTIONS}). */
  public static final int MAX_OUTPUT_BYTES = Channel.STEP_FUNCTIONS.maxBytes();

  private TaskErrors() {}
}
