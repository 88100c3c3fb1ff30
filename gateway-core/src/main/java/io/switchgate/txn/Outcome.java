package io.switchgate.txn;

import io.switchgate.model.TxnRecord;

/**
 * What the engine decided for one request: the response code and reason, and the journal record
 * (null for messages that are not journaled: echo, sign-on, format errors, MAC failures).
 */
record Outcome(String code, String reason, String authCode, TxnRecord record, Long balance, String de48) {

    static Outcome of(String code, String reason) {
        return new Outcome(code, reason, null, null, null, null);
    }
}
