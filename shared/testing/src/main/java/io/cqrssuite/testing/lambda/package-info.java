/**
 * A local stand-in for the Lambda runtime: a function of a SAM template run in this JVM on one event, with the
 * template's environment and timeout, as {@code sam local invoke} would without Docker.
 */
package io.cqrssuite.testing.lambda;
