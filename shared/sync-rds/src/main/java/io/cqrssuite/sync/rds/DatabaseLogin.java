package io.cqrssuite.sync.rds;

/**
 * The user and password of one connection attempt, taken together from one source so that a rotation between
 * two reads cannot pair one version's user with another's password.
 */
public record DatabaseLogin(String user, String password) {
  /** Never prints the password. */
  @Override
  public String toString() {
    return "DatabaseLogin[user=" + user + ", password=" + (password == null ? "unset" : "***") + "]";
  }
}
