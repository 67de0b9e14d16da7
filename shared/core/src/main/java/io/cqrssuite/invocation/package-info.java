/**
 * What belongs to one running invocation when one JVM serves several at once (Lambda Managed Instances):
 * {@link io.cqrssuite.invocation.InvocationLocal}, used by the log's request context and the retry deadline.
 */
package io.cqrssuite.invocation;
