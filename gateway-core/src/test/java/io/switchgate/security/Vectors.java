package io.switchgate.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** Loads /vectors/payment-crypto-vectors.json (a copy of ../shared/vectors) for table-driven tests. */
final class Vectors {
    private static final JsonNode ROOT = load();

    private Vectors() {}

    private static JsonNode load() {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/payment-crypto-vectors.json")) {
            if (in == null) throw new IllegalStateException("vectors/payment-crypto-vectors.json not on the test classpath");
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<JsonNode> family(String name) {
        List<JsonNode> out = new ArrayList<>();
        ROOT.get(name).forEach(out::add);
        if (out.isEmpty()) throw new IllegalStateException("no vectors in family " + name);
        return out;
    }

    /** One argument per vector, named by its id. */
    static Stream<Arguments> arguments(String family) {
        return family(family).stream().map(v -> Arguments.of(Named.of(v.get("id").asText(), v)));
    }

    static String text(JsonNode v, String field) {
        JsonNode n = v.get(field);
        if (n == null) throw new IllegalArgumentException("vector " + v.get("id").asText() + " has no field " + field);
        return n.asText();
    }

    static byte[] hex(JsonNode v, String field) { return Hex.decode(text(v, field)); }

    static boolean has(JsonNode v, String field) { return v.hasNonNull(field); }
}
