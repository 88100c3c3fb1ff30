package io.switchgate.server.metrics;

import io.switchgate.iso.PanMask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The transaction log: one INFO line per answered request on logger {@code io.switchgate.txn}:
 * <pre>txn terminal=TERM0001 stan=000101 rrn=010000000042 type=SALE mti=0200 amount=12345 pan=621234******1232 code=00 reason=- latencyUs=812</pre>
 * The same values are attached as key-value pairs, so the JSON layout carries them as fields. The PAN is only
 * ever the masked one; as a second line of defence anything that looks like a clear PAN is masked again.
 */
public final class TransactionLog {
    static final Logger LOG = LoggerFactory.getLogger("io.switchgate.txn");

    void write(String mti, String type, String terminal, String stan, String rrn, long amount, String maskedPan,
               String code, String reason, long latencyNanos) {
        if (!LOG.isInfoEnabled()) return;
        try {
            String pan = safePan(maskedPan);
            long us = latencyNanos / 1000;
            StringBuilder sb = new StringBuilder(160);
            sb.append("txn terminal=").append(or(terminal)).append(" stan=").append(or(stan)).append(" rrn=").append(or(rrn))
                    .append(" type=").append(or(type)).append(" mti=").append(or(mti)).append(" amount=").append(amount)
                    .append(" pan=").append(or(pan)).append(" code=").append(or(code)).append(" reason=").append(or(reason))
                    .append(" latencyUs=").append(us);
            LoggingEventBuilder e = LOG.atInfo();
            kv(e, "terminal", terminal);
            kv(e, "stan", stan);
            kv(e, "rrn", rrn);
            kv(e, "type", type);
            kv(e, "mti", mti);
            e.addKeyValue("amount", amount);
            kv(e, "maskedPan", pan);
            kv(e, "code", code);
            kv(e, "reason", reason);
            e.addKeyValue("latencyUs", us);
            e.log(sb.toString());
        } catch (RuntimeException ignored) {
            // logging must never break the answer
        }
    }

    /** Absent values are left out of the key-value pairs (rather than logged as "null"). */
    private static void kv(LoggingEventBuilder e, String key, String value) {
        if (value != null) e.addKeyValue(key, value);
    }

    private static String or(String s) {
        return s == null ? "-" : s;
    }

    /** The masked PAN as given; if it has more than 10 digits in a row it is not masked, so mask it. */
    static String safePan(String pan) {
        if (pan == null) return null;
        int run = 0;
        for (int i = 0; i < pan.length(); i++) {
            run = Character.isDigit(pan.charAt(i)) ? run + 1 : 0;
            if (run > 10) return PanMask.mask(pan);
        }
        return pan;
    }
}
