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
                // the transaction type, DE 3 positions 1-2 (two characters compared: no substring per request)
                switch (processingCode.charAt(0) << 16 | processingCode.charAt(1)) {
                    case '0' << 16 | '0': return TxnType.SALE;
                    case '3' << 16 | '1': return TxnType.BALANCE;
                    case '2' << 16 | '0': return TxnType.REFUND;
                    case '0' << 16 | '2': return TxnType.VOID;
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

    /**
     * The response MTI of a request MTI: third digit even (0 request, 2 advice, 4 notification, 6 instruction)
     * becomes the next odd one (0200 -> 0210, 0420 -> 0430). Null when there is no valid response MTI, and then the
     * message is never answered (contract section 3: "answered 12 with its response MTI when that is a valid MTI,
     * otherwise not at all"): not four digits; itself a response (odd third digit); or a digit ISO 8583 reserves:
     * version other than 0, 1, 2 (1987, 1993, 2003; 3-7 are reserved and 8-9 national or private use, which this
     * gateway has no agreement for), class 0 or 9, function 8 (its response would be the reserved 9), origin 6-9.
     */
    static String responseMti(String mti) {
        if (!FormatCheck.digits(mti, 4)) return null;
        char version = mti.charAt(0);
        char kind = mti.charAt(1);
        char function = mti.charAt(2);
        char origin = mti.charAt(3);
        if (version > '2' || kind == '0' || kind == '9' || function > '6' || origin > '5') return null;
        if ((function - '0') % 2 != 0) return null;
        return mti.substring(0, 2) + (char) (function + 1) + origin;
    }
}
