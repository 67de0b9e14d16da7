/**
 * The catalog stack's Lambda handlers and their Dagger components, as template.yaml deploys them: each handler only
 * wires the library. Example code, not API.
 */
package io.cqrssuite.catalog.function;
