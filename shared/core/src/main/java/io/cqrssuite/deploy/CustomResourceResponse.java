package io.cqrssuite.deploy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer CloudFormation waits for: {@code SUCCESS} with {@code Data} its template can read with
 * {@code !GetAtt}, or {@code FAILED} with a {@code Reason} shown in the stack's events. CloudFormation refuses
 * answers over 4096 bytes, so the reason is cut short well below that.
 */
record CustomResourceResponse(
    Status status,
    String reason,
    String physicalResourceId,
    String stackId,
    String requestId,
    String logicalResourceId,
    Map<String, Object> data) {
  /** Characters of a reason kept; the rest of the answer stays far below CloudFormation's 4096 bytes. */
  static final int MAX_REASON = 1500;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How the request went. */
  public enum Status {
    SUCCESS,
    FAILED
  }

  public CustomResourceResponse {
    data = data == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(data));
    if (reason != null && reason.length() > MAX_REASON) {
      reason = reason.substring(0, MAX_REASON - 3) + "...";
    }
  }

  public static CustomResourceResponse success(
      CustomResourceRequest request, String physicalResourceId, Map<String, ?> data) {
    return new CustomResourceResponse(
        Status.SUCCESS, null, physicalResourceId, request.stackId(), request.requestId(),
        request.logicalResourceId(), new LinkedHashMap<String, Object>(data));
  }

  public static CustomResourceResponse failed(CustomResourceRequest request, String physicalResourceId, String reason) {
    return new CustomResourceResponse(
        Status.FAILED, reason, physicalResourceId, request.stackId(), request.requestId(),
        request.logicalResourceId(), Map.of());
  }

  /** The body PUT to the response URL. */
  public byte[] toJson() {
    ObjectNode body = JSON.createObjectNode();
    body.put("Status", status.name());
    if (reason != null) {
      body.put("Reason", reason);
    }
    body.put("PhysicalResourceId", physicalResourceId);
    body.put("StackId", stackId);
    body.put("RequestId", requestId);
    body.put("LogicalResourceId", logicalResourceId);
    body.set("Data", JSON.valueToTree(data));
    try {
      return JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the CloudFormation response", e);
    }
  }
}
