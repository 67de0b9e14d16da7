package io.cqrssuite.command;

/**
 * The command needs an entity (or one of its versions) that does not exist: a partial update, delete or rollback of
 * a missing entity, an expected version above 0 for a new one, a rollback to a version no table holds; HTTP 404.
 */
public final class CommandNotFoundException extends CommandRejectedException {
  private static final long serialVersionUID = 1L;

  private final String pk;
  private final String code;

  public CommandNotFoundException(String pk, String code, String what) {
    super(pk + "#" + code + ": " + what);
    this.pk = pk;
    this.code = code;
  }

  public String pk() {
    return pk;
  }

  public String code() {
    return code;
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
