package io.cqrssuite.sync.rds;

/**
 * How an image attribute is converted before it is bound to its column. The conversion is checked in Java, so a
 * value that does not fit is refused with the record id, column and value, before the database sees it.
 */
public enum RdsColumnType {
  /** Strings as they are; numbers and booleans as their text; arrays and objects as JSON text. */
  TEXT,
  /** An integral number within the 64-bit range, or a string holding one. */
  BIGINT,
  /** Any number, kept exact ({@link java.math.BigDecimal}), or a string holding one. */
  NUMERIC,
  /** {@code true}/{@code false}, or the strings {@code "true"}/{@code "false"}. */
  BOOLEAN,
  /** An ISO-8601 instant ({@code 2026-11-25T00:05:00.000Z}, offsets allowed) or epoch milliseconds. */
  TIMESTAMP,
  /** Any JSON value, nested values included: {@code jsonb} in PostgreSQL, {@code JSON}/{@code LONGTEXT} in MariaDB. */
  JSON
}
