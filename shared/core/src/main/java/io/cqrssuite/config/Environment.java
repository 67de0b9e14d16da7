package io.cqrssuite.config;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import javax.inject.Qualifier;

/**
 * Qualifies the {@code Map<String, String>} of environment variables a component is built with: {@code System.getenv()}
 * on Lambda, the template's variables plus overrides in a local invoke. Reading configuration from this map, never
 * from {@code System.getenv()} directly, is what lets one JVM run several functions with different settings.
 */
@Qualifier
@Documented
@Retention(RetentionPolicy.RUNTIME)
public @interface Environment {}
