package io.cqrssuite.entrypoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The task token an SQS body names, read when the function could not use the body, so that its task can be failed
 * at once rather than wait out its heartbeat (contract §6). The body is untrusted here: it is parsed as JSON as far
 * as it goes, looking only at top-level fields, and when the JSON breaks before a {@value #FIELD} field, scanned
 * leniently over its first {@value #SCAN_LIMIT} characters. A value counts only when it looks like a token. Nothing
 * here throws: {@code null} is the answer to anything odd.
 */
final class TaskTokenReader {
  static final String FIELD = "taskToken";

  /**
   * How far the lenient scan looks. The convention puts the token first (contract §6), so it is near the start of
   * any real task; the bound keeps a huge broken body from costing more than a glance.
   */
  static final int SCAN_LIMIT = 64 * 1024;

  /** {@code SendTaskFailure} takes a token of at most this many characters. */
  static final int MAX_TOKEN = 2048;

  private static final String QUOTED_FIELD = '"' + FIELD + '"';

  private final JsonFactory json;

  TaskTokenReader(JsonFactory json) {
    this.json = json;
  }

  /** The token the body names at its top level, or {@code null}. */
  String read(String body) {
    if (body == null || body.isEmpty()) {
      return null;
    }
    try (JsonParser parser = json.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (FIELD.equals(name)) {
          // The first one decides: a body that names a token that is no token names none.
          return value == JsonToken.VALUE_STRING && plausible(parser.getText()) ? parser.getText() : null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (Exception brokenBeforeTheToken) {
      // Malformed JSON, a duplicate key, a constraint of the parser: the scan may still find the token.
      return scan(body);
    }
  }

  /**
   * The first {@code "taskToken" : "<token>"} within the first {@value #SCAN_LIMIT} characters, at any depth, since
   * the structure around it cannot be trusted. Linear: each candidate is read at most to the end of its value.
   */
  static String scan(String body) {
    String head = body.length() > SCAN_LIMIT ? body.substring(0, SCAN_LIMIT) : body;
    for (int at = head.indexOf(QUOTED_FIELD); at >= 0; at = head.indexOf(QUOTED_FIELD, at + QUOTED_FIELD.length())) {
      int i = skipWhitespace(head, at + QUOTED_FIELD.length());
      if (i >= head.length() || head.charAt(i) != ':') {
        continue;
      }
      i = skipWhitespace(head, i + 1);
      if (i >= head.length() || head.charAt(i) != '"') {
        continue;
      }
      int start = i + 1;
      int end = start;
      while (end < head.length() && end - start <= MAX_TOKEN && isTokenChar(head.charAt(end))) {
        end++;
      }
      // The value must close within the bound: a token cut by the bound is no token.
      if (end < head.length() && head.charAt(end) == '"' && plausible(head.substring(start, end))) {
        return head.substring(start, end);
      }
    }
    return null;
  }

  /**
   * One to {@value #MAX_TOKEN} characters of base64 or base64url: what Step Functions hands out. Anything else would
   * be a piece of the body sent to AWS as a token.
   */
  static boolean plausible(String token) {
    if (token == null || token.isEmpty() || token.length() > MAX_TOKEN) {
      return false;
    }
    for (int i = 0; i < token.length(); i++) {
      if (!isTokenChar(token.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'A' && c <= 'Z')
        || (c >= 'a' && c <= 'z')
        || (c >= '0' && c <= '9')
        || c == '+'
        || c == '/'
        || c == '='
        || c == '-'
        || c == '_';
  }

  private static int skipWhitespace(String text, int from) {
    int i = from;
    while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
      i++;
    }
    return i;
  }
}
