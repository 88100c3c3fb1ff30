package io.switchgate.iso;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzz target for unpack (Jazzer). In a normal {@code mvn test} it replays the seed corpus in
 * {@code src/test/resources/io/switchgate/iso/UnpackFuzzTestInputs/unpack/}; with {@code JAZZER_FUZZ=1} it fuzzes
 * (see docs/codec.md). Any exception other than {@link IsoException} is a finding. In the regression run Jazzer's
 * sanitizer hooks are conditional (active only while a fuzz test executes), so other tests in the JVM are unaffected.
 */
class UnpackFuzzTest {

    private static final Dialect[] DIALECTS = {
            Dialect.named("iso87binary"), Dialect.named("iso87ascii"), Dialect.named("iso93binary"),
            JposOracle.ours("custom-ascii")};

    @FuzzTest(maxDuration = "60s")
    void unpack(byte[] data) {
        for (Dialect d : DIALECTS) {
            IsoMessage m;
            try {
                m = d.unpack(data);
            } catch (IsoException expected) {
                continue;
            }
            m.getMti();
            for (int n : m.presentFields()) {
                m.getString(n);
                m.getBytes(n);
            }
            // repacking what was accepted must work and read back the same (bytes may differ only in spelling,
            // e.g. lowercase hex in a hex bitmap)
            byte[] again = d.pack(m);
            if (!d.unpack(again).sameAs(m)) throw new AssertionError("repack reads back differently");
        }
    }
}
