/**
 * The Java side of {@code ./suite}: the commands a developer runs on this machine. Not deployed, not API.
 */
package io.cqrssuite.cli;
