package io.cqrssuite.sync.rds;

/**
 * A column as the live schema describes it.
 *
 * @param maxCharacters the declared length of a character column ({@code VARCHAR(200)}), or {@code null} when
 *     unbounded or not a character column
 */
record ColumnInfo(String name, String dataType, Long maxCharacters) {}
