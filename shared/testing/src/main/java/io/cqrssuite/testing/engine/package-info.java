/**
 * Real database engines in or beside the test JVM: PostgreSQL (embedded), MariaDB (Debian's server as a private
 * process) and an OpenSearch node, shared per JVM by {@link io.cqrssuite.testing.engine.TestEngines}.
 */
package io.cqrssuite.testing.engine;
