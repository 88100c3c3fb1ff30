package io.switchgate.server.it;

import io.switchgate.security.KeyHandle;
import io.switchgate.security.KeyType;
import io.switchgate.security.MacAlgorithm;
import io.switchgate.security.PinFormat;
import io.switchgate.security.SignOnKeys;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.server.net.TerminalServer;
import io.switchgate.txn.Gateway;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.ISOUtil;
import org.jpos.iso.channel.NACChannel;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import static io.switchgate.server.it.TestConfigs.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Sign-on key exchange over the wire with a jPOS client: new TPK and TAK arrive in DE 48 under the TMK;
 * a sale MACed and PIN-encrypted under the new keys is approved, one under the old TAK is refused with 63
 * and changes nothing; after a gateway restart on the same store, the same holds (keys survive).
 */
class SignOnRestartTest {
    static final AtomicInteger STAN = new AtomicInteger(700_000);
    final SoftwareSecurityModule sm = SoftwareSecurityModule.fromHex(MASTER);
    final ISOPackager packager;

    @TempDir
    Path dir;

    SignOnRestartTest() throws Exception {
        packager = new GenericPackager(getClass().getResourceAsStream("/packager/iso87binary.xml"));
    }

    ISOMsg exchange(TerminalServer server, ISOMsg m) throws Exception {
        NACChannel c = new NACChannel("127.0.0.1", server.port("pos"), packager, null);
        c.connect();
        try {
            c.send(m);
            return c.receive();
        } finally {
            c.disconnect();
        }
    }

    ISOMsg sale(KeyHandle tpk, KeyHandle tak, String pin) throws Exception {
        ISOMsg m = new ISOMsg("0200");
        m.set(2, PAN);
        m.set(3, "000000");
        m.set(4, "000000000100");
        m.set(7, "1125120000");
        m.set(11, ISOUtil.zeropad(STAN.incrementAndGet(), 6));
        m.set(14, "2812");
        m.set(22, "051");
        m.set(41, "TERM0001");
        m.set(42, MERCHANT);
        m.set(49, "156");
        m.set(52, sm.encryptPinBlock(tpk, PinFormat.ISO0, pin, PAN));
        m.set(64, new byte[8]);
        m.setPackager(packager);
        byte[] packed = m.pack();
        m.set(64, sm.generateMac(tak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8));
        return m;
    }

    @Test
    void newKeysWorkOldTakIsRefusedAlsoAfterRestart() throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("gw").toAbsolutePath();
        KeyHandle oldTak = sm.importClear(KeyType.TAK, HexFormat.of().parseHex(TAK1));
        KeyHandle oldTpk = sm.importClear(KeyType.TPK, HexFormat.of().parseHex(TPK1));
        KeyHandle tmk = sm.importClear(KeyType.TMK, HexFormat.of().parseHex(TMK1));
        SignOnKeys.Accepted keys;
        try (Gateway gw = Gateway.start(TestConfigs.config(url)); TerminalServer server = new TerminalServer(gw.config().listeners(), gw).start()) {
            assertEquals("00", exchange(server, sale(oldTpk, oldTak, "1234")).getString(39), "configured keys work before sign-on");
            ISOMsg signOn = new ISOMsg("0800");
            signOn.set(7, "1125120000");
            signOn.set(11, ISOUtil.zeropad(STAN.incrementAndGet(), 6));
            signOn.set(41, "TERM0001");
            signOn.set(42, MERCHANT);
            signOn.set(70, "001");
            ISOMsg unmaced = (ISOMsg) signOn.clone();
            assertEquals("63", exchange(server, unmaced).getString(39), "a terminal with a TAK signs on with a MAC");
            signOn.set(11, ISOUtil.zeropad(STAN.incrementAndGet(), 6));
            // DE 70 is above 64: the MAC goes in DE 128, under the TAK the gateway holds for the terminal
            signOn.set(128, new byte[8]);
            signOn.setPackager(packager);
            byte[] packed = signOn.pack();
            signOn.set(128, sm.generateMac(oldTak, MacAlgorithm.X919_RETAIL_PAD1, packed, 0, packed.length - 8));
            ISOMsg r = exchange(server, signOn);
            assertEquals("00", r.getString(39));
            keys = SignOnKeys.accept(sm, tmk, r.getString(48));
            assertEquals("00", exchange(server, sale(keys.tpk(), keys.tak(), "1234")).getString(39));
            ISOMsg old = exchange(server, sale(oldTpk, oldTak, "1234"));
            assertEquals("63", old.getString(39));
            assertEquals("MAC_INVALID", old.getString(44));
            assertEquals("55", exchange(server, sale(keys.tpk(), keys.tak(), "0000")).getString(39));
        }
        try (Gateway gw = Gateway.start(TestConfigs.config(url)); TerminalServer server = new TerminalServer(gw.config().listeners(), gw).start()) {
            assertEquals("00", exchange(server, sale(keys.tpk(), keys.tak(), "1234")).getString(39), "issued keys survive a restart");
            assertEquals("63", exchange(server, sale(oldTpk, oldTak, "1234")).getString(39), "the old TAK stays refused");
        }
    }
}
