package io.cqrssuite.testing.permissions;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One IAM statement of a role with its intrinsic functions resolved, and IAM's matching of an action and a resource
 * against it ({@code *} and {@code ?} wildcards, actions case-insensitive). Conditions are not evaluated: a
 * statement with one is read as allowing what it names, so the check can only be more lenient there.
 *
 * @param where the role and policy it comes from, and its {@code Sid}, for messages
 */
public record PolicyStatement(String where, String effect, List<String> actions, List<String> resources) {
  public boolean allows(String action, String resource) {
    return "Allow".equals(effect)
        && actions.stream().anyMatch(a -> glob(a.toLowerCase(Locale.ROOT)).matcher(action.toLowerCase(Locale.ROOT)).matches())
        && resources.stream().anyMatch(r -> glob(r).matcher(resource).matches());
  }

  private static Pattern glob(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      if (c == '*') {
        regex.append(".*");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(regex.toString(), Pattern.DOTALL);
  }
}
