package io.switchgate.txn;

import io.switchgate.model.TxnType;

/** Which request a message is, from its MTI and processing code (contract section 4). Null when we do not serve it. */
public final class MessageKind {

    private MessageKind() {
    }

    public static TxnType classify(String mti, String processingCode, String networkCode) {
        if (mti == null || mti.length() != 4) return null;
        switch (mti) {
            case "0800":
                if ("301".equals(networkCode)) return TxnType.ECHO;
                if ("001".equals(networkCode)) return TxnType.SIGNON;
                return null;
            case "0200":
                if (processingCode == null || processingCode.length() < 2) return null;
                switch (processingCode.substring(0, 2)) {
                    case "00": return TxnType.SALE;
                    case "31": return TxnType.BALANCE;
                    case "20": return TxnType.REFUND;
                    case "02": return TxnType.VOID;
                    default: return null;
                }
            case "0400":
            case "0401":
            case "0420":
            case "0421":
                return TxnType.REVERSAL;
            case "0500":
                return TxnType.SETTLEMENT;
            default:
                return null;
        }
    }
}
