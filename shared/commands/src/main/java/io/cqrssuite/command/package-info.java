/**
 * The command side: {@link io.cqrssuite.command.CommandService} writes immutable, versioned commands with a
 * conditional put (merge patch, delete, rollback, large attributes offloaded to S3), and the command table's stream
 * is synced into the data and history tables before any read model ({@link io.cqrssuite.command.CommandModule}).
 */
package io.cqrssuite.command;
