package io.switchgate.txn;

import io.switchgate.model.TxnStatus;
import io.switchgate.policy.Codes;
import io.switchgate.policy.Decline;
import io.switchgate.route.AuthResult;

/**
 * What a flow decided for one request, as the engine journals and answers it: the response code and reason, the
 * authorization code, the status of the record, the original it names, and the authorizer that answered. A value:
 * flows build it, {@code Engine} turns it into a journal record and a response.
 *
 * @param status  the record's status when approved; a verdict whose code is not {@code 00} is recorded declined
 * @param balance the card's balance for the response (DE 54), or null
 */
record Verdict(String code, String reason, String authCode, TxnStatus status, String originalRrn, String originalStan,
               String host, Long balance) {

    static Verdict approved(String authCode) {
        return new Verdict(Codes.APPROVED, null, authCode, TxnStatus.APPROVED, null, null, null, null);
    }

    static Verdict declined(String code, String reason) {
        return new Verdict(code, reason, null, TxnStatus.DECLINED, null, null, null, null);
    }

    static Verdict declined(Decline d) {
        return declined(d.code(), d.reason());
    }

    /** The authorizer's declined answer (its code and reason; whatever it approved is not used). */
    static Verdict declined(AuthResult auth) {
        return declined(auth.code(), auth.reason());
    }

    /** The authorizer's answer as it stands, approved or declined (a balance inquiry's). */
    static Verdict answered(AuthResult auth) {
        return new Verdict(auth.code(), auth.reason(), auth.authCode(),
                auth.approved() ? TxnStatus.APPROVED : TxnStatus.DECLINED, null, null, null, null);
    }

    /** The same verdict, naming the original it acts on (its RRN, and the STAN a reversal named). */
    Verdict on(String rrn, String stan) {
        return new Verdict(code, reason, authCode, status, rrn, stan, host, balance);
    }

    /** The same verdict, naming the authorizer that answered and the balance it reported. */
    Verdict by(String authorizer, Long reportedBalance) {
        return new Verdict(code, reason, authCode, status, originalRrn, originalStan, authorizer, reportedBalance);
    }

    boolean approved() {
        return Codes.APPROVED.equals(code);
    }
}
