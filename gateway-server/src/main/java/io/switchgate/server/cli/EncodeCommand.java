package io.switchgate.server.cli;

import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code encode}: the reverse of {@code decode}: JSON lines in, packed messages out as uppercase hex, one per line. */
@Command(name = "encode", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class,
        description = {"Reads JSON lines {\"mti\":\"0200\",\"fields\":{\"3\":\"000000\",...}} from standard input and prints",
                "each packed message as hex (with the length header when --framing is given), one per line.",
                "A line that cannot be packed prints {\"error\":\"...\",\"field\":N,\"offset\":K} and encoding goes on."})
public final class EncodeCommand implements Callable<Integer> {

    @Option(names = "--dialect", defaultValue = "iso87binary", paramLabel = "D",
            description = "iso87binary, iso87ascii, iso93binary or a jPOS GenericPackager XML file (default: ${DEFAULT-VALUE})")
    String dialect;

    @Option(names = "--framing", defaultValue = "none", paramLabel = "F",
            description = "none, nac2 or ascii4: the length header to put before each message (default: ${DEFAULT-VALUE})")
    String framing;

    @Override
    public Integer call() throws Exception {
        return LineFilter.run(dialect, framing, EncodeCommand::encodeLine);
    }

    /** One JSON value a line: text after it ({@code {...} junk}) is an error, not ignored. */
    private static final com.fasterxml.jackson.databind.ObjectReader ONE_VALUE = DecodeCommand.JSON.reader()
            .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION); // "11" twice: which one?

    static String encodeLine(Dialect d, Framing f, String json) throws JsonProcessingException {
        JsonNode node;
        try {
            node = ONE_VALUE.readTree(json);
        } catch (JsonProcessingException e) {
            return DecodeCommand.JSON.writeValueAsString(DecodeCommand.error("not a JSON object", -1, -1));
        }
        if (node == null || !node.isObject() || !node.path("mti").isValueNode()) {
            return DecodeCommand.JSON.writeValueAsString(DecodeCommand.error("expected {\"mti\":...,\"fields\":{...}}", -1, -1));
        }
        // What decode prints has these two keys only: anything else is a mistake, not something to pack quietly without
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!"mti".equals(name) && !"fields".equals(name)) {
                return DecodeCommand.JSON.writeValueAsString(DecodeCommand.error("unknown key '" + name
                        + "' (expected {\"mti\":...,\"fields\":{...}})", -1, -1));
            }
        }
        JsonNode fields = node.path("fields");
        if (!fields.isObject()) {
            return DecodeCommand.JSON.writeValueAsString(DecodeCommand.error("\"fields\" is not an object (or missing)", -1, -1));
        }
        IsoMessage m = new IsoMessage(node.get("mti").asText());
        Iterator<Map.Entry<String, JsonNode>> it = fields.isObject() ? fields.fields() : java.util.Collections.emptyIterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            int n;
            try {
                n = Integer.parseInt(e.getKey());
            } catch (NumberFormatException ex) {
                n = -1;
            }
            if (n < 2 || n > 192 || !e.getValue().isValueNode() || e.getValue().isNull()) {
                return DecodeCommand.JSON.writeValueAsString(
                        DecodeCommand.error("bad field key or value '" + e.getKey() + "'", Math.max(n, -1), -1));
            }
            m.set(n, e.getValue().asText());
        }
        try {
            byte[] packed = d.pack(m.dialect(d));
            byte[] header = f.header(packed.length);
            return HexFormat.of().withUpperCase().formatHex(header) + HexFormat.of().withUpperCase().formatHex(packed);
        } catch (IsoException e) {
            return DecodeCommand.JSON.writeValueAsString(DecodeCommand.error(e.getMessage(), e.field(), e.offset()));
        }
    }
}
