package io.cqrssuite.sync.opensearch;

import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.opensearch.client.json.JsonpMapper;
import org.opensearch.client.json.JsonpSerializable;
import org.opensearch.client.json.jackson.JacksonJsonpGenerator;

/**
 * A document serialized once, up front, and written to the request as it is: the bytes that bounded the bulk
 * request are the bytes that are sent, and the image is not walked a second time. (The client writes a bulk
 * operation's document with the mapper, which honours {@link JsonpSerializable}, not a per-operation serializer.)
 */
record RawJsonDocument(byte[] json) implements JsonpSerializable {

  @Override
  public void serialize(JsonGenerator generator, JsonpMapper mapper) {
    if (generator instanceof JacksonJsonpGenerator) {
      try {
        ((JacksonJsonpGenerator) generator).jacksonGenerator().writeRawValue(new String(json, StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return;
    }
    try (JsonParser parser = mapper.jsonProvider().createParser(new ByteArrayInputStream(json))) {
      parser.next();
      generator.write(parser.getValue());
    }
  }
}
