/** Users' own tables, laid out their way, synced through their declared table mappings. */
package io.cqrssuite.verification.tables;
