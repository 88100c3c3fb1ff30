package io.switchgate.txn;

import io.switchgate.model.TxnType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class MessageKindTest {

    @Test
    void aFinancialRequestIsKnownByTheFirstTwoDigitsOfItsProcessingCode() {
        assertEquals(TxnType.SALE, MessageKind.classify("0200", "000000", null));
        assertEquals(TxnType.BALANCE, MessageKind.classify("0200", "310000", null));
        assertEquals(TxnType.REFUND, MessageKind.classify("0200", "200000", null));
        assertEquals(TxnType.VOID, MessageKind.classify("0200", "020000", null));
        assertNull(MessageKind.classify("0200", "010000", null));
        assertNull(MessageKind.classify("0200", "0", null));
        assertNull(MessageKind.classify("0200", null, null));
        // two characters that are not digits never pass for a pair that is (compared whole, not folded together)
        assertNull(MessageKind.classify("0200", "0\u3030" + "0000", null));
        assertNull(MessageKind.classify("0200", "\u3000" + "00000", null));
    }

    @Test
    void otherKindsByTheirMti() {
        assertEquals(TxnType.ECHO, MessageKind.classify("0800", null, "301"));
        assertEquals(TxnType.SIGNON, MessageKind.classify("0800", null, "001"));
        assertNull(MessageKind.classify("0800", null, "002"));
        assertEquals(TxnType.REVERSAL, MessageKind.classify("0421", null, null));
        assertEquals(TxnType.SETTLEMENT, MessageKind.classify("0500", null, null));
        assertNull(MessageKind.classify("0210", "000000", null));
        assertNull(MessageKind.classify("020", "000000", null));
    }
}
