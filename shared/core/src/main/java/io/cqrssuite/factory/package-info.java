/**
 * From raw Lambda JSON to typed events: source detection, nested deliveries unwrapped (SNS in SQS, S3 in SNS or
 * EventBridge), and the user's {@link io.cqrssuite.factory.EventFactory} (often a {@link
 * io.cqrssuite.factory.RoutingEventFactory}) turning each record into domain events. Bad input is rejected with a
 * reason naming where (contract §7).
 */
package io.cqrssuite.factory;
