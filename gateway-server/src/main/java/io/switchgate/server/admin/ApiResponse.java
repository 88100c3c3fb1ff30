package io.switchgate.server.admin;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** One admin API answer: HTTP status, content type and body bytes (JSON unless {@code /metrics}). */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static final String JSON = "application/json; charset=utf-8";
    public static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON, Json.bytes(value), Map.of());
    }

    /** {@code {"error":CODE,"message":...}}: a stable code a script can test, and a line a person can read. */
    public static ApiResponse error(int status, String code, String message) {
        return json(status, Json.obj("error", code, "message", message));
    }

    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public ApiResponse withHeader(String name, String value) {
        java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(name, value);
        return new ApiResponse(status, contentType, body, Map.copyOf(h));
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
