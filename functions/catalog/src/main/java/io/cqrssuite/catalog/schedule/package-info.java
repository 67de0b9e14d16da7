/**
 * The catalog's scheduled tick (EventBridge Scheduler), which purges old tombstones from every read model. Example
 * code, not API.
 */
package io.cqrssuite.catalog.schedule;
