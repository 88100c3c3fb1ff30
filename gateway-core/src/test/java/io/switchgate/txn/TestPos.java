package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoMessage;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SecurityModule;

import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A test terminal: builds contract messages, MACs them with its TAK, sends them through a gateway, parses the answer. */
final class TestPos {
    static final Dialect D = Dialect.named("iso87binary");
    private static final AtomicInteger STAN = new AtomicInteger(100);

    final Gateway gw;
    final String terminal;
    final String merchant;
    KeyHandle tak;
    KeyHandle tpk;
    String de7 = "1125120000";

    TestPos(Gateway gw, String terminal, String merchant, String takHex, String tpkHex) {
        this.gw = gw;
        this.terminal = terminal;
        this.merchant = merchant;
        SecurityModule sm = gw.security();
        this.tak = takHex == null ? null : sm.importClear(KeyType.TAK, HexFormat.of().parseHex(takHex));
        this.tpk = tpkHex == null ? null : sm.importClear(KeyType.TPK, HexFormat.of().parseHex(tpkHex));
    }

    static String nextStan() {
        return String.format("%06d", STAN.incrementAndGet() % 1_000_000);
    }

    IsoMessage financial(String proc, String pan, long amount, String stan) {
        IsoMessage m = new IsoMessage("0200");
        m.set(2, pan);
        m.set(3, proc);
        m.set(4, String.format("%012d", amount));
        m.set(7, de7);
        m.set(11, stan);
        m.set(12, "120000");
        m.set(13, "1125");
        m.set(14, "2812");
        m.set(22, "051");
        m.set(25, "00");
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(49, "156");
        return m;
    }

    IsoMessage sale(String pan, long amount) {
        return financial("000000", pan, amount, nextStan());
    }

    IsoMessage withPin(IsoMessage m, String pin) {
        m.set(52, gw.security().encryptPinBlock(tpk, PinFormat.ISO0, pin, m.getString(2)));
        return m;
    }

    IsoMessage refund(String pan, long amount, String originalRrn) {
        return financial("200000", pan, amount, nextStan()).set(37, originalRrn);
    }

    IsoMessage voidOf(String pan, long amount, String originalRrn) {
        return financial("020000", pan, amount, nextStan()).set(37, originalRrn);
    }

    IsoMessage balance(String pan) {
        IsoMessage m = financial("310000", pan, 0, nextStan());
        m.unset(4);
        return m;
    }

    IsoMessage reversal(IsoMessage original) {
        IsoMessage m = new IsoMessage("0400");
        for (int f : new int[]{2, 3, 4, 7, 11, 12, 13, 14, 22, 25, 41, 42, 49}) {
            if (original.hasField(f)) m.set(f, original.getString(f));
        }
        return m;
    }

    IsoMessage settlement(long saleCount, long saleAmount, long refundCount, long refundAmount) {
        IsoMessage m = new IsoMessage("0500");
        m.set(7, de7);
        m.set(11, nextStan());
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(74, String.format("%010d", refundCount));
        m.set(76, String.format("%010d", saleCount));
        m.set(86, String.format("%016d", refundAmount));
        m.set(88, String.format("%016d", saleAmount));
        return m;
    }

    IsoMessage network(String code) {
        IsoMessage m = new IsoMessage("0800");
        m.set(7, de7);
        m.set(11, nextStan());
        m.set(41, terminal);
        m.set(42, merchant);
        m.set(70, code);
        return m;
    }

    /** Packs with a MAC under this terminal's TAK (when it has one), 0800 included. */
    byte[] pack(IsoMessage m) {
        if (tak == null) return D.pack(m);
        int macField = 64;
        for (int f : m.presentFields()) if (f > 64 && f != 128) macField = 128;
        return packMacedIn(m, macField);
    }

    /** Packs with a MAC under this terminal's TAK in {@code macField}, whatever fields follow it. */
    byte[] packMacedIn(IsoMessage m, int macField) {
        m.set(macField, new byte[8]);
        byte[] b = D.pack(m);
        int off = D.unpack(b).offsetOf(macField);
        byte[] mac = gw.security().generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, b, 0, off);
        System.arraycopy(mac, 0, b, off, 8);
        return b;
    }

    IsoMessage send(IsoMessage m) {
        return sendRaw(pack(m));
    }

    IsoMessage sendRaw(byte[] b) {
        try {
            byte[] resp = gw.handle(b, "pos").get(10, TimeUnit.SECONDS);
            return resp == null ? null : D.unpack(resp);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Returns once the gateway's engine has decided every request handed to it before: it takes requests in order on
     * one thread, and a message that is not a request (an 0810) is dropped there without an answer and without the
     * journal, so this works even while commits are held.
     */
    void awaitEngineCaughtUp() {
        IsoMessage notARequest = new IsoMessage("0810");
        notARequest.set(7, de7);
        notARequest.set(11, nextStan());
        notARequest.set(39, "00");
        notARequest.set(41, terminal);
        try {
            byte[] answer = gw.handle(D.pack(notARequest), "pos").get(10, TimeUnit.SECONDS);
            if (answer != null) throw new AssertionError("an 0810 was answered");
        } catch (Exception e) {
            throw new AssertionError("the engine did not catch up", e);
        }
    }

    /** True if the response's MAC verifies under this terminal's TAK. */
    boolean responseMacValid(byte[] resp) {
        IsoMessage r = D.unpack(resp);
        int macField = r.hasField(128) ? 128 : 64;
        int off = r.offsetOf(macField);
        return gw.security().verifyMac(tak, MacAlgorithm.X919_RETAIL_PAD1, resp, 0, off, r.getBytes(macField), 0, 8);
    }
}
