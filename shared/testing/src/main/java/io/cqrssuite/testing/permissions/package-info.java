/**
 * Records what functions do while a test drives them, so a test can hold the deployed roles against it: every AWS
 * SDK call ({@link CallRecorder}, an SDK-wide {@code ExecutionInterceptor}), every OpenSearch request
 * ({@link RecordingHttpProxy}), attributed to the function a {@link Recording} names.
 */
package io.cqrssuite.testing.permissions;
