package io.switchgate.server.cli;

import java.util.HexFormat;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.iso.PanMask;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code decode}: hex messages, one per line on standard input, to one JSON line each on standard output.
 * Values print as jPOS's {@code ISOMsg.getString} gives them; PAN, track data, the PIN block and the card data in the
 * chip data are masked unless {@code --unmasked} ({@link PanMask#forDisplay}).
 */
@Command(name = "decode", mixinStandardHelpOptions = true, versionProvider = io.switchgate.server.GatewayVersion.class,
        description = {"Reads hex messages, one per line, from standard input and prints one JSON line per message:",
                "{\"mti\":\"0200\",\"fields\":{\"2\":\"621234******1232\",...}}; a message that does not parse prints",
                "{\"error\":\"...\",\"field\":N,\"offset\":K} (offset from the first MTI byte) and decoding goes on."})
public final class DecodeCommand implements Callable<Integer> {

    @Option(names = "--dialect", defaultValue = "iso87binary", paramLabel = "D",
            description = "iso87binary, iso87ascii, iso93binary or a jPOS GenericPackager XML file (default: ${DEFAULT-VALUE})")
    String dialect;

    @Option(names = "--framing", defaultValue = "none", paramLabel = "F",
            description = "none, nac2 or ascii4: the length header each line starts with (default: ${DEFAULT-VALUE})")
    String framing;

    @Option(names = "--unmasked", description = "print PAN (2, 34), track data (35, 36, 45), the PIN block (52) and the card data in chip data (55) in clear")
    boolean unmasked;

    static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() throws Exception {
        return LineFilter.run(dialect, framing, (d, f, line) -> JSON.writeValueAsString(decodeLine(d, f, line, unmasked)));
    }

    /** One input line to its JSON object (a message or an error). */
    static ObjectNode decodeLine(Dialect d, Framing f, String hexLine, boolean unmasked) {
        byte[] frame;
        try {
            frame = HexFormat.of().parseHex(hexLine.replace(" ", ""));
        } catch (IllegalArgumentException e) {
            return error(e.getMessage() != null && e.getMessage().contains("even") ? "not an even-length hex string"
                    : "not a hex string (0-9, A-F; spaces are ignored)", -1, -1);
        }
        try {
            int len = f.messageLength(frame);
            IsoMessage m = d.unpack(frame, f.headerBytes(), len);
            return toJson(m, unmasked);
        } catch (IsoException e) {
            return error(e.getMessage(), e.field(), e.offset());
        }
    }

    static ObjectNode toJson(IsoMessage m, boolean unmasked) {
        ObjectNode o = JSON.createObjectNode();
        o.put("mti", m.getMti());
        ObjectNode fields = o.putObject("fields");
        for (int n : m.presentFields()) {
            String v = m.getString(n);
            if (!unmasked) v = PanMask.forDisplay(n, v);
            fields.put(Integer.toString(n), v);
        }
        return o;
    }

    static ObjectNode error(String message, int field, int offset) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        o.put("field", field);
        o.put("offset", offset);
        return o;
    }
}
