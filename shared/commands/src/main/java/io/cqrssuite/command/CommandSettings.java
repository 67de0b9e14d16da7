package io.cqrssuite.command;

import io.cqrssuite.config.SettingsReader;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The command service's settings, read once from the environment:
 *
 * <ul>
 *   <li>{@code SUITE_COMMAND_TABLE}: the command table (ends in {@code -command}); unset, the service is not
 *       configured and {@link #fromEnvironment} returns empty;
 *   <li>{@code SUITE_COMMAND_DATA_TABLE}, {@code SUITE_COMMAND_HISTORY_TABLE}: default to the command table's name with
 *       {@code -data} / {@code -history} for {@code -command};
 *   <li>{@code SUITE_COMMAND_BUCKET}: the S3 bucket for attributes too large to keep in the item; unset, nothing is
 *       offloaded and an item over DynamoDB's limit is refused;
 *   <li>{@code SUITE_COMMAND_OFFLOAD_BYTES} (default 65536): an attribute larger than this (name and value, as
 *       DynamoDB counts them) goes to the bucket; between 1024 and 409600;
 *   <li>{@code SUITE_COMMAND_OFFLOAD_MAX_BYTES} (default 4 MiB): the largest value one attribute may hold in the
 *       bucket, as JSON; a larger one is refused when published, and a pointer to a larger object is never read (a
 *       HEAD shows its size first), so a forged pointer cannot make a reader hold more than this per attribute; at
 *       least the offload threshold;
 *   <li>{@code SUITE_COMMAND_TTL_DAYS} (default 0: never): command items get {@code ttl} = write time + this, so
 *       DynamoDB removes old commands; the history table keeps previous states for good.
 * </ul>
 *
 * @param bucket {@code null} when large attributes are not offloaded
 * @param commandTtl {@link Duration#ZERO} when command items do not expire
 */
public record CommandSettings(
    CommandTables tables, String bucket, int offloadThresholdBytes, Duration commandTtl, int offloadMaxBytes) {
  public static final String TABLE = "SUITE_COMMAND_TABLE";
  public static final String DATA_TABLE = "SUITE_COMMAND_DATA_TABLE";
  public static final String HISTORY_TABLE = "SUITE_COMMAND_HISTORY_TABLE";
  public static final String BUCKET = "SUITE_COMMAND_BUCKET";
  public static final String OFFLOAD_BYTES = "SUITE_COMMAND_OFFLOAD_BYTES";
  public static final String TTL_DAYS = "SUITE_COMMAND_TTL_DAYS";
  public static final String OFFLOAD_MAX_BYTES = "SUITE_COMMAND_OFFLOAD_MAX_BYTES";
  public static final int DEFAULT_OFFLOAD_BYTES = 65_536;
  /**
   * Ten times DynamoDB's item limit: an entity's attribute, not a file store. Far below any Lambda heap, so reading
   * an image's pointers never risks the batch; the writer refuses more, so every pointer it writes stays readable.
   */
  public static final int DEFAULT_OFFLOAD_MAX_BYTES = 4 << 20;
  /** DynamoDB's item size limit, 400 KB. */
  public static final int MAX_ITEM_BYTES = 409_600;

  public CommandSettings {
    if (tables == null) {
      throw new IllegalArgumentException("the command tables must be given");
    }
    if (bucket != null && bucket.isBlank()) {
      bucket = null;
    }
    if (offloadThresholdBytes < 1024 || offloadThresholdBytes > MAX_ITEM_BYTES) {
      throw new IllegalArgumentException(OFFLOAD_BYTES + " must be between 1024 and " + MAX_ITEM_BYTES + ", found " + offloadThresholdBytes);
    }
    if (commandTtl == null || commandTtl.isNegative()) {
      throw new IllegalArgumentException(TTL_DAYS + " must be 0 or positive, found " + commandTtl);
    }
    if (offloadMaxBytes < offloadThresholdBytes) {
      throw new IllegalArgumentException(OFFLOAD_MAX_BYTES + " must be at least " + OFFLOAD_BYTES + " (" + offloadThresholdBytes
          + "), found " + offloadMaxBytes);
    }
  }

  /** With the default {@link #DEFAULT_OFFLOAD_MAX_BYTES} per attribute in the bucket. */
  public CommandSettings(CommandTables tables, String bucket, int offloadThresholdBytes, Duration commandTtl) {
    this(tables, bucket, offloadThresholdBytes, commandTtl, DEFAULT_OFFLOAD_MAX_BYTES);
  }

  public static Optional<CommandSettings> fromEnvironment(Map<String, String> env) {
    SettingsReader settings = new SettingsReader(env);
    Optional<String> command = settings.text(TABLE);
    if (command.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> data = settings.text(DATA_TABLE);
    Optional<String> history = settings.text(HISTORY_TABLE);
    CommandTables tables =
        data.isPresent() && history.isPresent()
            ? new CommandTables(command.get(), data.get(), history.get())
            : derived(command.get(), data, history);
    return Optional.of(
        new CommandSettings(
            tables,
            settings.text(BUCKET).orElse(null),
            settings.nonNegativeInt(OFFLOAD_BYTES, DEFAULT_OFFLOAD_BYTES),
            Duration.ofDays(settings.nonNegativeLong(TTL_DAYS, 0)),
            settings.nonNegativeInt(OFFLOAD_MAX_BYTES, DEFAULT_OFFLOAD_MAX_BYTES)));
  }

  /** The tables named after the command table, each as configured where it is. */
  private static CommandTables derived(String command, Optional<String> data, Optional<String> history) {
    CommandTables named = CommandTables.fromCommandTable(command);
    return new CommandTables(command, data.orElse(named.data()), history.orElse(named.history()));
  }
}
