package io.cqrssuite.factory;

/**
 * The pass-through factory: handlers receive the suite's typed events ({@code S3ObjectEvent},
 * {@code SqsMessageEvent}, {@code DataChangeEvent}, ...). Extend it and override the transforms you need.
 */
public class DefaultEventFactory implements EventFactory {}
