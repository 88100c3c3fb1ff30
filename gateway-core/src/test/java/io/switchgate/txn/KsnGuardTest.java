package io.switchgate.txn;

import io.switchgate.policy.Decline;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** A DUKPT terminal's device binding and the counters no device uses ({@link KsnGuard}). */
class KsnGuardTest {
    private final KsnGuard guard = new KsnGuard();

    private static String reason(Decline d) {
        return d == null ? null : d.code() + " " + d.reason();
    }

    @Test
    void theFirstMacedRequestBindsItsDeviceAndAnotherDeviceIsRefused() {
        assertNull(guard.check("T1", "FFFF9876543210E00001", true));
        assertNull(guard.check("T1", "FFFF9876543210E00002", true), "the same device, the next counter");
        assertNull(guard.check("T1", "FFFF9876543210E00002", true), "a KSN used again is not the guard's to refuse");
        assertEquals("63 KSN_OTHER_DEVICE", reason(guard.check("T1", "FFFF9876543211E00003", true)));
        assertEquals("63 KSN_OTHER_DEVICE", reason(guard.check("T1", "FFFF9876543211E00003", false)), "unMACed too");
        assertNull(guard.check("T2", "FFFF9876543211E00003", true), "each terminal its own device");
    }

    /**
     * A request without a MAC (a terminal whose macRequired is false) proves no device: it binds nothing, or anyone
     * could bind a terminal to a made-up KSN with one unMACed request and lock its real PIN pad out (a review).
     */
    @Test
    void aRequestWithoutAMacBindsNothing() {
        assertNull(guard.check("T1", "1234567890ABCDE00001", false));
        assertNull(guard.check("T1", "FFFF9876543210E00001", true), "the real device binds");
        assertEquals("63 KSN_OTHER_DEVICE", reason(guard.check("T1", "1234567890ABCDE00002", false)));
    }

    @Test
    void aCounterWithMoreThanTenOneBitsIsRefused() {
        assertEquals("63 KSN_COUNTER_INVALID", reason(guard.check("T1", "FFFF9876543210E007FF", true))); // 11
        assertEquals("63 KSN_COUNTER_INVALID", reason(guard.check("T1", "FFFF9876543210FFFFFF", true))); // 21
        assertNull(guard.check("T1", "FFFF9876543210E003FF", true)); // 10
        assertNull(guard.check("T1", "FFFF9876543210F00000", true), "the top counter bit alone: the same device");
        assertNull(guard.check("T1", "FFFF9876543210E00000", true), "counter 0 (the vectors' first KSN) is not refused");
    }

    @Test
    void forgettingLetsTheNextDeviceBind() {
        assertNull(guard.check("T1", "FFFF9876543210E00001", true));
        guard.forget("T1");
        assertNull(guard.check("T1", "FFFF9876543211E00001", true));
        assertEquals("63 KSN_OTHER_DEVICE", reason(guard.check("T1", "FFFF9876543210E00002", true)));
    }

    @Test
    void whatIsNotATdesKsnIsLeftToTheKeyCheck() {
        assertNull(guard.check("T1", null, true));
        assertNull(guard.check("T1", "123456789012345600000001", true)); // AES length: refused as BAD_FIELD_62 earlier
    }
}
