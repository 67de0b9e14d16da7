/**
 * {@code ./suite bench cold}: the cold start of EventFactoryFunction's shaded jar in fresh JVMs, one sample event
 * per source, with and without backends, against two floors measured the same way in the same run: a bare handler
 * that only parses the event with Jackson, and the same plus an eagerly built AWS SDK client making one call.
 * The child JVM's entry point ({@link io.cqrssuite.bench.cold.ColdProbe}) and the floors are copied out of this
 * module's classes into a directory of their own, so the child's class path is that directory and the function's
 * jar, nothing else.
 */
package io.cqrssuite.bench.cold;
