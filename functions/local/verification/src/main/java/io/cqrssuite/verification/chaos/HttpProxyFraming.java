package io.cqrssuite.verification.chaos;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where HTTP/1.1 messages begin and end on a connection (RFC 9112 §6), so a keep-alive connection can be cut
 * between two requests and each request can meet its own fault. The bytes are copied as they came, never
 * re-encoded: the proxy must not hide a framing mistake of the client or the server.
 */
final class HttpProxyFraming {
  private static final int MAX_LINE = 64 * 1024;
  private static final int MAX_HEAD = 1024 * 1024;
  private static final int COPY_BUFFER = 64 * 1024;

  private HttpProxyFraming() {}

  /** How a message's body is delimited. */
  enum Body {
    NONE,
    FIXED,
    CHUNKED,
    UNTIL_CLOSE
  }

  /** A request line or status line with its headers, as raw bytes and as parsed. */
  record Head(byte[] raw, String startLine, List<String[]> headers) {
    /** The values of a header (names are case-insensitive), comma-joined as RFC 9110 §5.3 allows. */
    String header(String name) {
      List<String> values = new ArrayList<>();
      for (String[] header : headers) {
        if (header[0].equalsIgnoreCase(name)) {
          values.add(header[1]);
        }
      }
      return values.isEmpty() ? null : String.join(", ", values);
    }

    /** Whether a comma-separated header holds a token, e.g. {@code Connection: close}. */
    boolean hasToken(String name, String token) {
      String value = header(name);
      if (value == null) {
        return false;
      }
      for (String part : value.split(",")) {
        if (part.trim().equalsIgnoreCase(token)) {
          return true;
        }
      }
      return false;
    }

    String method() {
      return startLine.substring(0, Math.max(0, startLine.indexOf(' ')));
    }

    /** The start line's HTTP version: the last word of a request line, the first of a status line. */
    String requestVersion() {
      return startLine.substring(startLine.lastIndexOf(' ') + 1);
    }

    int status() throws ProtocolException {
      String[] parts = startLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/") || parts[1].length() != 3) {
        throw new ProtocolException("not an HTTP status line: " + startLine);
      }
      try {
        return Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new ProtocolException("not an HTTP status line: " + startLine);
      }
    }

    /** Whether the sender will close the connection after this message (HTTP/1.0 unless it asked to keep alive). */
    boolean closes(String version) {
      if (hasToken("Connection", "close")) {
        return true;
      }
      return version.equals("HTTP/1.0") && !hasToken("Connection", "keep-alive");
    }
  }

  /**
   * Reads a head up to its empty line, or returns null when the stream ends cleanly before a new message. Empty
   * lines before a request line are skipped (RFC 9112 §2.2) but kept in the raw bytes.
   */
  static Head readHead(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
    String startLine = null;
    List<String[]> headers = new ArrayList<>();
    while (true) {
      byte[] line = readLine(in, startLine == null && raw.size() == 0);
      if (line == null) {
        return null;
      }
      raw.write(line);
      if (raw.size() > MAX_HEAD) {
        throw new ProtocolException("HTTP head longer than " + MAX_HEAD + " bytes");
      }
      String text = text(line);
      if (startLine == null) {
        if (!text.isEmpty()) {
          startLine = text;
        }
        continue;
      }
      if (text.isEmpty()) {
        return new Head(raw.toByteArray(), startLine, headers);
      }
      int colon = text.indexOf(':');
      if (colon <= 0 || text.charAt(0) == ' ' || text.charAt(0) == '\t') {
        // Line folding is obsolete and a proxy must reject it (RFC 9112 §5.2), as any header without a name.
        throw new ProtocolException("malformed HTTP header line: " + text);
      }
      headers.add(new String[] {text.substring(0, colon).trim(), text.substring(colon + 1).trim()});
    }
  }

  /** A request's body (RFC 9112 §6.3): chunked, Content-Length, or none. */
  static Body requestBody(Head request) throws ProtocolException {
    String encoding = request.header("Transfer-Encoding");
    if (encoding != null) {
      if (!lastCodingIsChunked(encoding)) {
        throw new ProtocolException("request Transfer-Encoding without final chunked: " + encoding);
      }
      return Body.CHUNKED;
    }
    return contentLength(request) > 0 ? Body.FIXED : Body.NONE;
  }

  /** A response's body, which depends on the request's method too (RFC 9112 §6.3). */
  static Body responseBody(String requestMethod, int status, Head response) throws ProtocolException {
    if (requestMethod.equals("HEAD") || status < 200 || status == 204 || status == 304) {
      return Body.NONE;
    }
    String encoding = response.header("Transfer-Encoding");
    if (encoding != null) {
      return lastCodingIsChunked(encoding) ? Body.CHUNKED : Body.UNTIL_CLOSE;
    }
    long length = contentLength(response);
    if (length >= 0) {
      return length > 0 ? Body.FIXED : Body.NONE;
    }
    return Body.UNTIL_CLOSE;
  }

  /** The Content-Length, or -1 without one; repeated equal values are one, differing values are an error. */
  static long contentLength(Head head) throws ProtocolException {
    String value = head.header("Content-Length");
    if (value == null) {
      return -1;
    }
    long length = -1;
    for (String part : value.split(",")) {
      String digits = part.trim();
      if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9') || digits.length() > 18) {
        throw new ProtocolException("invalid Content-Length: " + value);
      }
      long parsed = Long.parseLong(digits);
      if (length >= 0 && parsed != length) {
        throw new ProtocolException("conflicting Content-Length values: " + value);
      }
      length = parsed;
    }
    return length;
  }

  /** Copies (or, with a null {@code out}, reads away) the body the head announced. */
  static void copyBody(Body body, Head head, InputStream in, OutputStream out) throws IOException {
    switch (body) {
      case NONE -> {}
      case FIXED -> copyFixed(in, out, contentLength(head));
      case CHUNKED -> copyChunked(in, out);
      case UNTIL_CLOSE -> copyUntilClose(in, out);
    }
  }

  private static void copyChunked(InputStream in, OutputStream out) throws IOException {
    while (true) {
      byte[] sizeLine = requireLine(in);
      write(out, sizeLine);
      long size = chunkSize(text(sizeLine));
      if (size == 0) {
        // Trailer fields, then the empty line that ends the message.
        while (true) {
          byte[] trailer = requireLine(in);
          write(out, trailer);
          if (text(trailer).isEmpty()) {
            return;
          }
        }
      }
      copyFixed(in, out, size);
      byte[] end = requireLine(in);
      if (!text(end).isEmpty()) {
        throw new ProtocolException("chunk data not followed by CRLF");
      }
      write(out, end);
    }
  }

  private static long chunkSize(String line) throws ProtocolException {
    int extension = line.indexOf(';');
    String hex = (extension >= 0 ? line.substring(0, extension) : line).trim();
    if (hex.isEmpty() || hex.length() > 15) {
      throw new ProtocolException("invalid chunk size line: " + line);
    }
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new ProtocolException("invalid chunk size line: " + line);
    }
  }

  private static void copyFixed(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[(int) Math.min(COPY_BUFFER, Math.max(length, 1))];
    long left = length;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new ProtocolException("connection ended " + left + " bytes before the end of a body");
      }
      if (out != null) {
        out.write(buffer, 0, read);
      }
      left -= read;
    }
  }

  private static void copyUntilClose(InputStream in, OutputStream out) throws IOException {
    byte[] buffer = new byte[COPY_BUFFER];
    int read;
    while ((read = in.read(buffer)) >= 0) {
      if (out != null) {
        out.write(buffer, 0, read);
      }
    }
  }

  private static boolean lastCodingIsChunked(String encoding) {
    String[] codings = encoding.split(",");
    return codings[codings.length - 1].trim().toLowerCase(Locale.ROOT).equals("chunked");
  }

  private static byte[] requireLine(InputStream in) throws IOException {
    byte[] line = readLine(in, false);
    if (line == null) {
      throw new ProtocolException("connection ended inside a chunked body");
    }
    return line;
  }

  /** A line with its CRLF (or bare LF); null when the stream ends before its first byte and that is allowed. */
  private static byte[] readLine(InputStream in, boolean endAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(80);
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (line.size() == 0 && endAllowed) {
          return null;
        }
        throw new ProtocolException("connection ended inside an HTTP line");
      }
      line.write(b);
      if (b == '\n') {
        return line.toByteArray();
      }
      if (line.size() > MAX_LINE) {
        throw new ProtocolException("HTTP line longer than " + MAX_LINE + " bytes");
      }
    }
  }

  /** The line without its CRLF or LF. */
  private static String text(byte[] line) {
    int end = line.length;
    if (end > 0 && line[end - 1] == '\n') {
      end--;
    }
    if (end > 0 && line[end - 1] == '\r') {
      end--;
    }
    return new String(line, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    if (out != null) {
      out.write(bytes);
    }
  }
}
