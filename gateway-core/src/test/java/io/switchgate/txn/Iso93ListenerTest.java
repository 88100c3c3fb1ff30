package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.model.TxnRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.switchgate.txn.EngineFixture.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A listener in {@code iso93binary}, whose DE 39 is the three-digit action code of ISO 8583:1993, where every 0xx is an
 * approval: the gateway's declines go out as the 1993 codes of the same meaning (51 as 116, 30 as 904), never padded
 * to 0xx; the journal and the admin API keep the contract's two-character codes.
 */
class Iso93ListenerTest {
    static final Dialect D93 = Dialect.named("iso93binary");
    Gateway gw;
    TestPos pos; // TERM0003: no MAC key

    @BeforeEach
    void start() {
        GatewayConfig base = EngineFixture.config("memory:");
        GatewayConfig c = new GatewayConfig(base.node(),
                List.of(new GatewayConfig.Listener("pos", "127.0.0.1", 0, "nac2", "iso93binary", 8192, 300)),
                base.admin(), base.store(), base.security(), base.merchants(), base.terminals(), base.routes(), base.hosts(),
                base.authorizer(), base.logging(), base.journal());
        gw = Gateway.start(c, new MutableClock());
        pos = new TestPos(gw, "TERM0003", MERCHANT, null, TPK1);
    }

    @AfterEach
    void stop() {
        if (gw != null) gw.close();
    }

    /** A TestPos sale in the 1993 layout of the fields whose form differs (DE 12 date and time, DE 22, DE 25). */
    IsoMessage sale(String pan, long amount) {
        return pos.sale(pan, amount).set(12, "261125120000").set(22, "051000000000").set(25, "0000");
    }

    IsoMessage send(IsoMessage m) throws Exception {
        return D93.unpack(gw.handle(D93.pack(m), "pos").get(10, TimeUnit.SECONDS));
    }

    @Test
    void anApprovalIs000AndADeclineIsTheDenialOfTheSameMeaning() throws Exception {
        IsoMessage ok = send(sale(PAN_NOPIN, 100));
        assertEquals("000", ok.getString(39));
        assertEquals("00", gw.store().findByRrn(ok.getString(37)).orElseThrow().responseCode(), "journaled as decided");

        IsoMessage low = send(sale(PAN_LOW, 600)); // balance 500
        assertEquals("116", low.getString(39), "not sufficient funds; 051 would read as approved");
        assertEquals("INSUFFICIENT_FUNDS", low.getString(44));
        TxnRecord rec = gw.store().findByRrn(low.getString(37)).orElseThrow();
        assertEquals("51", rec.responseCode());

        IsoMessage missing = sale(PAN_NOPIN, 100);
        missing.unset(4);
        IsoMessage noAmount = send(missing);
        assertEquals("904", noAmount.getString(39));
        assertEquals("MISSING_FIELD_4", noAmount.getString(44));
    }

    @Test
    void aFrameThatDoesNotParseIsAnsweredWithTheFormatErrorActionCode() throws Exception {
        byte[] b = D93.pack(sale(PAN_NOPIN, 100));
        b[D93.unpack(b).offsetOf(4) + 2] = (byte) 0xAB; // not BCD
        IsoMessage r = D93.unpack(gw.handle(b, "pos").get(10, TimeUnit.SECONDS));
        assertEquals("904", r.getString(39));
        assertEquals("BAD_FIELD_4", r.getString(44));
    }
}
