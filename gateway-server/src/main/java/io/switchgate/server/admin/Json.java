package io.switchgate.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Jackson, one shared mapper; objects are built as ordered maps so the JSON reads in a stable order. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
    /**
     * For operators' request bodies: a key given twice ({@code {"status":"active","status":"suspended"}}) or anything
     * after the object is refused rather than read one way or another: an ambiguous command changes nothing.
     */
    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private Json() {
    }

    /** An ordered JSON object from alternating keys and values; null values are kept (as JSON null). */
    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage());
        }
    }

    /** Parses a request body; null when it is not one JSON object with each key once. */
    static JsonNode parseObject(byte[] body) {
        if (body == null || body.length == 0) return null;
        try {
            JsonNode n = STRICT.readTree(body);
            return n != null && n.isObject() ? n : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
