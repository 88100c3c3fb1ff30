package io.switchgate.server.terminal;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoLayout;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.Hex;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SecurityModule;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests a POS terminal sends (CONTRACT.md section 4), built and packed the way a terminal does:
 * DE 7 (UTC MMddHHmmss), 11, 12/13 (local time), 22, 25, 41, 42, 49 = 156; DE 52 an ISO 9564 format 0 PIN block
 * under the TPK; DE 64 (or 128 when a secondary bitmap is present) an X9.19 MAC under the TAK over the packed
 * message up to the MAC field. Holds the terminal's working keys and takes new ones from a sign-on response.
 * Not thread-safe except {@link #nextStan()}.
 */
public final class RequestBuilder {


    private final Dialect dialect;
    private final SecurityModule security;
    private final String terminalId;
    private final String merchantId;
    private final Clock clock;
    private final ZoneId localZone;
    private final AtomicInteger stan;
    private String currency = "156";
    private KeyHandle tmk;
    private KeyHandle tpk;
    private KeyHandle tak;

    public RequestBuilder(Dialect dialect, SecurityModule security, String terminalId, String merchantId) {
        this(dialect, security, terminalId, merchantId, Clock.systemUTC(), ZoneId.systemDefault());
    }

    public RequestBuilder(Dialect dialect, SecurityModule security, String terminalId, String merchantId, Clock clock,
                          ZoneId localZone) {
        this.dialect = dialect;
        this.security = security;
        this.terminalId = terminalId;
        this.merchantId = merchantId;
        this.clock = clock;
        this.localZone = localZone;
        // time-based start, so separate runs of the simulator do not reuse a STAN
        this.stan = new AtomicInteger((int) (clock.millis() / 10 % 999_999));
    }

    /** The terminal's keys (any may be null: no PIN block without a TPK, no MAC without a TAK). */
    public RequestBuilder keys(KeyHandle tmk, KeyHandle tpk, KeyHandle tak) {
        this.tmk = tmk;
        this.tpk = tpk;
        this.tak = tak;
        return this;
    }

    public RequestBuilder currency(String currency) {
        this.currency = currency;
        return this;
    }

    public Dialect dialect() {
        return dialect;
    }

    public SecurityModule security() {
        return security;
    }

    public String terminalId() {
        return terminalId;
    }

    public String merchantId() {
        return merchantId;
    }

    public KeyHandle tmk() {
        return tmk;
    }

    public KeyHandle tpk() {
        return tpk;
    }

    public KeyHandle tak() {
        return tak;
    }

    /** The next STAN, 6 digits, 000001..999999. */
    public String nextStan() {
        int n = stan.updateAndGet(v -> v >= 999_999 ? 1 : v + 1);
        return pad(n, 6);
    }

    // ------------------------------------------------------------------ requests

    /** 0800 DE 70 = 301. */
    public IsoMessage echo(String stan) {
        IsoMessage m = header("0800", stan);
        m.set(70, "301");
        return m;
    }

    /** 0800 DE 70 = 001; the response's DE 48 carries new TPK and TAK when the terminal has a TMK. */
    public IsoMessage signOn(String stan) {
        IsoMessage m = header("0800", stan);
        m.set(42, merchantId);
        m.set(70, "001");
        return m;
    }

    /** 0200 DE 3 = 000000. */
    public IsoMessage sale(String stan, Card card, long amount) {
        return financial("000000", stan, card, amount);
    }

    /** 0200 DE 3 = 310000, DE 4 zero. */
    public IsoMessage balance(String stan, Card card) {
        return financial("310000", stan, card, 0);
    }

    /** 0200 DE 3 = 200000 with DE 37 = the sale's RRN. */
    public IsoMessage refund(String stan, Card card, long amount, String saleRrn) {
        return financial("200000", stan, card, amount).set(37, saleRrn);
    }

    /** 0200 DE 3 = 020000 with DE 37 = the sale's RRN and DE 4 = its amount. */
    public IsoMessage voidSale(String stan, Card card, long amount, String saleRrn) {
        return financial("020000", stan, card, amount).set(37, saleRrn);
    }

    /**
     * A reversal ({@code 0400}, or {@code 0420} etc.) of the terminal's earlier request whose STAN was {@code originalStan};
     * DE 90 = original MTI + original STAN + original DE 7 (zeros when unknown) + zeros, or in the 1993 layout DE 56 =
     * original MTI + original STAN + zeros for its local date and time. {@code card} may be null.
     */
    public IsoMessage reversal(String mti, String stan, String originalMti, String originalStan, String originalDe7,
                               Card card, long amount) {
        IsoMessage m = header(mti, stan);
        m.set(3, "000000");
        m.set(4, pad(amount, 12));
        if (card != null) {
            m.set(2, card.pan());
            if (card.expiry() != null) {
                m.set(14, card.expiry());
            }
        }
        pointOfService(m, false);
        m.set(42, merchantId);
        m.set(49, currency);
        if (IsoLayout.of(dialect) == IsoLayout.Y1993) {
            // 1993 names the original in DE 56 (its DE 90 is 10 digits): MTI, STAN, local date and time (unknown: zeros)
            m.set(56, originalMti + originalStan + "0".repeat(12));
        } else {
            m.set(90, originalMti + originalStan + (originalDe7 == null ? "0000000000" : originalDe7) + "0".repeat(22));
        }
        return m;
    }

    /** 0500 with DE 74 (refund count), 76 (sale count), 86 (refund amount), 88 (sale amount). */
    public IsoMessage settlement(String stan, long saleCount, long saleAmount, long refundCount, long refundAmount) {
        IsoMessage m = header("0500", stan);
        m.set(42, merchantId);
        m.set(49, currency);
        m.set(74, pad(refundCount, 10));
        m.set(76, pad(saleCount, 10));
        m.set(86, pad(refundAmount, 16));
        m.set(88, pad(saleAmount, 16));
        return m;
    }

    private IsoMessage financial(String processingCode, String stan, Card card, long amount) {
        IsoMessage m = header("0200", stan);
        m.set(2, card.pan());
        m.set(3, processingCode);
        m.set(4, pad(amount, 12));
        if (card.expiry() != null) {
            m.set(14, card.expiry());
        }
        boolean pin = card.pin() != null;
        pointOfService(m, pin);
        m.set(42, merchantId);
        m.set(49, currency);
        if (pin) {
            if (tpk == null) {
                throw new IllegalStateException("no TPK for terminal " + terminalId + ": cannot send a PIN");
            }
            m.set(52, security.encryptPinBlock(tpk, PinFormat.ISO0, card.pin(), card.pan()));
        }
        return m;
    }

    private IsoMessage header(String mti, String stan) {
        IsoMessage m = new IsoMessage(mti).dialect(dialect);
        m.set(7, LocalDateTime.now(clock.withZone(ZoneOffset.UTC)).format(java.time.format.DateTimeFormatter.ofPattern("MMddHHmmss")));
        m.set(11, stan);
        m.set(41, terminalId);
        return m;
    }

    /**
     * The local time and the point of service, in the dialect's layout ({@link IsoLayout}): a manually keyed card, the
     * cardholder there, a PIN entered or not. 1987: DE 12 hhmmss, DE 13 MMDD, DE 22 {@code 011}/{@code 012}, DE 25
     * {@code 00}. 1993: DE 12 YYMMDDhhmmss, DE 22 the POS data code of the same (key entry, attended, cardholder and card
     * present, PIN of 4 or none); no DE 13 (there the card's effective date) or DE 25 (a message reason code).
     */
    private void pointOfService(IsoMessage m, boolean pin) {
        if (IsoLayout.of(dialect) == IsoLayout.Y1993) {
            m.set(12, local("yyMMddHHmmss"));
            m.set(22, pin ? "610101613004" : "600101600000");
            return;
        }
        m.set(12, local("HHmmss"));
        m.set(13, local("MMdd"));
        m.set(22, pin ? "011" : "012"); // manual entry; PIN entered / not
        m.set(25, "00");
    }

    private String local(String pattern) {
        return LocalDateTime.now(clock.withZone(localZone)).format(java.time.format.DateTimeFormatter.ofPattern(pattern));
    }

    // ------------------------------------------------------------------ packing and MAC

    /** Whether this request carries a MAC: every request, echo and sign-on included, when the terminal has a TAK. */
    public boolean macs(IsoMessage m) {
        return tak != null;
    }

    /** Packs the request, with its MAC in DE 64 (or 128) when {@link #macs} says so. */
    public byte[] pack(IsoMessage m) {
        return macs(m) ? io.switchgate.txn.MessageMac.pack(dialect, m, tak, security) : dialect.pack(m);
    }

    /**
     * Checks the MAC of a response: {@code null} when it carries none or the terminal has no TAK,
     * otherwise whether it verifies.
     */
    public Boolean verifyResponseMac(byte[] raw, IsoMessage response) {
        return tak == null ? null : io.switchgate.txn.MessageMac.verify(raw, response, tak, security);
    }

    /**
     * Takes the TPK and TAK a sign-on response carries in DE 48 (76 hex = enc(TPK) 32 + KCV 6 + enc(TAK) 32 + KCV 6,
     * under the TMK), checking both KCVs. Returns false when the response carries no keys.
     *
     * @throws IllegalStateException when the terminal has no TMK or DE 48 is malformed
     */
    public boolean acceptSignOnKeys(IsoMessage response) {
        String de48 = response.getString(48);
        if (de48 == null || de48.isEmpty()) {
            return false;
        }
        if (tmk == null) {
            throw new IllegalStateException("sign-on response carries keys but terminal " + terminalId + " has no TMK");
        }
        if (de48.length() != 76 || !Hex.isHex(de48)) {
            throw new IllegalStateException("sign-on DE 48 is not 76 hex characters (found " + de48.length() + ")");
        }
        KeyHandle newTpk = security.importUnderKek(tmk, KeyType.TPK, Hex.decode(de48.substring(0, 32)), de48.substring(32, 38));
        KeyHandle newTak = security.importUnderKek(tmk, KeyType.TAK, Hex.decode(de48.substring(38, 70)), de48.substring(70, 76));
        this.tpk = newTpk;
        this.tak = newTak;
        return true;
    }

    static String pad(long v, int width) {
        String s = Long.toString(v);
        if (s.length() >= width) {
            return s;
        }
        return "0".repeat(width - s.length()) + s;
    }
}
