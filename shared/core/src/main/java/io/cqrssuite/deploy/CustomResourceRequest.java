package io.cqrssuite.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * A CloudFormation custom resource request, the fields the suite uses. {@code responseUrl} is a pre-signed URL
 * that lets anyone holding it answer for the stack, so it is never printed (see {@link #toString()}).
 *
 * @param physicalResourceId {@code null} on {@code Create}
 * @param resourceProperties the resource's {@code Properties} ({@code ServiceToken} included)
 */
record CustomResourceRequest(
    RequestType requestType,
    URI responseUrl,
    String stackId,
    String requestId,
    String logicalResourceId,
    String physicalResourceId,
    String resourceType,
    JsonNode resourceProperties) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What CloudFormation asks for. */
  public enum RequestType {
    CREATE,
    UPDATE,
    DELETE
  }

  /**
   * Reads the request Lambda receives from CloudFormation.
   *
   * @throws IllegalArgumentException naming the missing or malformed field; such a request cannot be answered
   */
  public static CustomResourceRequest parse(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a CloudFormation custom resource request: not JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a CloudFormation custom resource request: not a JSON object");
    }
    String type = required(root, "RequestType");
    RequestType requestType;
    try {
      requestType = RequestType.valueOf(type.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("RequestType must be Create, Update or Delete, found '" + type + "'", e);
    }
    URI responseUrl;
    try {
      responseUrl = URI.create(required(root, "ResponseURL"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ResponseURL is not a URL", e);
    }
    if (!"https".equals(responseUrl.getScheme()) && !"http".equals(responseUrl.getScheme())) {
      throw new IllegalArgumentException("ResponseURL must be an http(s) URL");
    }
    JsonNode properties = root.path("ResourceProperties");
    return new CustomResourceRequest(
        requestType,
        responseUrl,
        required(root, "StackId"),
        required(root, "RequestId"),
        required(root, "LogicalResourceId"),
        optional(root, "PhysicalResourceId"),
        optional(root, "ResourceType"),
        properties.isObject() ? properties : JSON.createObjectNode());
  }

  /** A property of the resource as text, or {@code null}. */
  public String property(String name) {
    JsonNode value = resourceProperties.get(name);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }

  /** Without the response URL's query, which carries its signature. */
  @Override
  public String toString() {
    return "CustomResourceRequest[" + requestType + " " + logicalResourceId + " (" + resourceType + ") of "
        + stackId + ", request " + requestId + ", physical id " + physicalResourceId + ", response to "
        + responseUrl.getScheme() + "://" + responseUrl.getRawAuthority() + "/...]";
  }

  private static String required(JsonNode root, String field) {
    String value = optional(root, field);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("not a CloudFormation custom resource request: no " + field);
    }
    return value;
  }

  private static String optional(JsonNode root, String field) {
    JsonNode value = root.get(field);
    return value == null || !value.isTextual() ? null : value.asText();
  }
}
