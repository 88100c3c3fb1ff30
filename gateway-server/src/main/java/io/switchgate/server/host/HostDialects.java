package io.switchgate.server.host;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;

/**
 * Whether a dialect can carry what the gateway itself writes to a host: the fields of a financial request it sets
 * (DE 7, 11, 32, 37, a PIN block in DE 52, a MAC) and those of a reversal (DE 90, the original's data: 42 digits, and
 * the MAC in DE 128). A host whose dialect cannot would take requests and never get their reversals: the gateway could
 * not build them, and a stored reversal would wait forever (ISO 8583:1993's {@code iso93binary} has a 10-digit DE 90
 * and carries the original's data in DE 56). So such a host is refused when the configuration is read.
 */
public final class HostDialects {
    private static final String ACQUIRER = "12345678901";

    private HostDialects() {
    }

    /** Null if {@code d} can carry the gateway's host messages, else what it cannot carry (from the packer). */
    public static String whyUnfit(Dialect d) {
        IsoMessage request = new IsoMessage("0200").dialect(d)
                .set(3, "000000").set(4, "000000001000").set(7, "1205120000").set(11, "000001")
                .set(32, ACQUIRER).set(37, "010000000001").set(41, "TERM0001").set(42, "MERCHANT0000001")
                .set(49, "156").set(52, new byte[8]).set(64, new byte[8]);
        IsoMessage reversal = new IsoMessage("0420").dialect(d)
                .set(3, "000000").set(4, "000000001000").set(7, "1205120001").set(11, "000002")
                .set(32, ACQUIRER).set(37, "010000000001").set(41, "TERM0001").set(42, "MERCHANT0000001")
                .set(49, "156").set(90, HostMessages.originalData("0200", "000001", "1205120000", ACQUIRER))
                .set(128, new byte[8]);
        for (IsoMessage m : new IsoMessage[]{request, reversal}) {
            try {
                d.pack(m);
            } catch (RuntimeException e) {
                return "cannot carry the gateway's " + ("0200".equals(m.getMti()) ? "requests" : "reversals")
                        + " to a host (" + e.getMessage() + ")";
            }
        }
        return null;
    }
}
