package io.cqrssuite.entity;

import io.cqrssuite.failure.PermanentException;

/**
 * A mapped table's record lacks what its mapping says an entity has: a key attribute, a code of the declared shape,
 * an integer version. Permanent: redelivering the record cannot add the attribute. The message names the table,
 * the attribute and the problem, never the record's values; it is the same for every record of the table with the
 * same problem, so the alarms about a broken table group into one.
 */
public final class MappingException extends PermanentException {
  private static final long serialVersionUID = 1L;
  private final String table;
  private final String attribute;

  public MappingException(String table, String attribute, String problem) {
    super("table '" + table + "': attribute '" + attribute + "' " + problem);
    this.table = table;
    this.attribute = attribute;
  }

  public String table() {
    return table;
  }

  public String attribute() {
    return attribute;
  }
}
