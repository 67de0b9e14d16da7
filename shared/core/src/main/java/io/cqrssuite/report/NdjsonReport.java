package io.cqrssuite.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The suite's one NDJSON file format, for exports, backups and reports: a first line {@code {"__meta__": {...}}}
 * holding the caller's fields, the line count ({@code count}) and the SHA-256 of every byte after the first line
 * ({@code sha256}); then one JSON document per line; and beside the file a {@code <file>.sha256} sidecar in
 * {@code sha256sum} format over the whole file, so {@code sha256sum -c} checks it without the suite.
 *
 * <p>Lines are streamed to a temporary file while their hash is computed, so a report of any size never sits in
 * memory; the file appears under its name only once complete (an atomic move), with its sidecar.
 */
public final class NdjsonReport implements AutoCloseable {
  /** The first line's only field. */
  public static final String META = "__meta__";

  private final Path file;
  private final Path body;
  private final ObjectMapper mapper;
  private final MessageDigest bodyDigest;
  private final OutputStream out;
  private long count;
  private boolean finished;

  private NdjsonReport(Path file, ObjectMapper mapper) throws IOException {
    this.file = file.toAbsolutePath();
    if (this.file.getParent() != null) {
      Files.createDirectories(this.file.getParent());
    }
    this.body = Files.createTempFile(this.file.getParent(), "." + this.file.getFileName(), ".body");
    this.mapper = mapper;
    this.bodyDigest = sha256();
    this.out = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(body), 1 << 16), bodyDigest);
  }

  /** Starts a report at {@code file}; nothing is at that name until {@link #finish}. */
  public static NdjsonReport create(Path file, ObjectMapper mapper) throws IOException {
    return new NdjsonReport(file, mapper);
  }

  /** Appends one document as one line. */
  public void line(JsonNode document) throws IOException {
    out.write(mapper.writeValueAsBytes(document));
    out.write('\n');
    count++;
  }

  public long count() {
    return count;
  }

  /** What was written: the file, its sidecar, the line count, the body's and the whole file's SHA-256. */
  public record Written(Path file, Path checksumFile, long count, String sha256, String fileSha256) {}

  /**
   * Writes the {@code __meta__} line ({@code fields} plus {@code count} and {@code sha256}) before the lines, moves the
   * file into place and writes its sidecar.
   */
  public Written finish(ObjectNode fields) throws IOException {
    out.close();
    finished = true;
    String bodySha = HexFormat.of().formatHex(bodyDigest.digest());
    ObjectNode meta = mapper.createObjectNode();
    ObjectNode header = meta.putObject(META);
    header.setAll(fields);
    header.put("count", count);
    header.put("sha256", bodySha);
    MessageDigest whole = sha256();
    Path staged = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".part");
    try (OutputStream target = new DigestOutputStream(new BufferedOutputStream(Files.newOutputStream(staged), 1 << 16), whole);
        InputStream lines = Files.newInputStream(body)) {
      target.write(mapper.writeValueAsBytes(meta));
      target.write('\n');
      lines.transferTo(target);
    } finally {
      Files.deleteIfExists(body);
    }
    Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    String fileSha = HexFormat.of().formatHex(whole.digest());
    Path checksum = file.resolveSibling(file.getFileName() + ".sha256");
    Files.writeString(checksum, fileSha + "  " + file.getFileName() + "\n", StandardCharsets.UTF_8);
    return new Written(file, checksum, count, bodySha, fileSha);
  }

  /** Abandons an unfinished report: its temporary file is removed, nothing appears under its name. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      out.close();
      Files.deleteIfExists(body);
      finished = true;
    }
  }

  /**
   * Reads a report's {@code __meta__} line and checks the SHA-256 it names against the bytes after it.
   *
   * @throws IOException unreadable, not a report, or its lines do not match its hash (a clear message)
   */
  public static ObjectNode verify(Path file, ObjectMapper mapper) throws IOException {
    MessageDigest digest = sha256();
    ObjectNode header;
    try (InputStream in = Files.newInputStream(file)) {
      StringBuilder first = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        first.append((char) b);
      }
      JsonNode parsed;
      try {
        parsed = mapper.readTree(new String(first.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new IOException(file + " is not a report: its first line is not JSON");
      }
      if (parsed == null || !parsed.path(META).isObject()) {
        throw new IOException(file + " is not a report: its first line has no " + META);
      }
      header = (ObjectNode) parsed.get(META);
      byte[] buffer = new byte[1 << 16];
      int n;
      while ((n = in.read(buffer)) > 0) {
        digest.update(buffer, 0, n);
      }
    }
    String actual = HexFormat.of().formatHex(digest.digest());
    String expected = header.path("sha256").asText();
    if (!actual.equals(expected)) {
      throw new IOException(file + ": its lines hash to " + actual + ", its " + META + " says " + expected + "; the file was changed or cut");
    }
    return header;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }
}
