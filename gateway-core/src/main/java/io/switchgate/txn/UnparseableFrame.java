package io.switchgate.txn;

import io.switchgate.iso.ActionCodes;
import io.switchgate.iso.Dialect;
import io.switchgate.iso.IsoException;
import io.switchgate.iso.IsoMessage;
import io.switchgate.policy.Codes;
import io.switchgate.security.KeyHandle;
import io.switchgate.security.SecurityModule;

/**
 * The answer to a frame that does not parse (contract section 3): the response MTI, DE 39 {@code 30} (or the 1993
 * action code of a format error), DE 44 naming the field the codec stopped at, and the fields that could be read
 * echoed like any response's. Nothing is processed or journaled for it. Which key MACs it is the engine's to say
 * (see {@link Engine}).
 */
final class UnparseableFrame {
    private UnparseableFrame() {
    }

    /** The 30 answer to a frame that does not parse, unpacked; null when its MTI cannot be read or is no request's. */
    static IsoMessage answer(Dialect dialect, byte[] message, IsoException e) {
        String mti = dialect.peekMti(message, 0, message.length);
        String responseMti = mti == null ? null : MessageKind.responseMti(mti);
        if (responseMti == null) return null;
        IsoMessage readable;
        try {
            readable = dialect.unpackReadable(message, 0, message.length);
        } catch (RuntimeException unreadable) {
            readable = null;
        }
        IsoMessage resp = readable == null ? new IsoMessage(responseMti)
                : readable.toResponse(ResponseBuilder.ECHOED).setMti(responseMti);
        resp.set(39, ActionCodes.onWire(dialect, responseMti, Codes.FORMAT_ERROR));
        resp.set(44, reason(e));
        return resp;
    }

    private static String reason(IsoException e) {
        return e.field() > 0 ? "BAD_FIELD_" + e.field() : "BAD_MESSAGE";
    }

    /**
     * {@code resp} packed, MACed under {@code tak} when there is one; with the code and reason alone when an echoed field
     * cannot be packed; null if not even that packs.
     */
    static byte[] pack(Dialect dialect, IsoMessage resp, IsoException e, KeyHandle tak, SecurityModule security) {
        try {
            return tak == null ? dialect.pack(resp) : MessageMac.pack(dialect, resp, tak, security);
        } catch (RuntimeException packFailed) {
            try {
                // an echoed field the response cannot carry: answer with the code alone
                IsoMessage bare = new IsoMessage(resp.getMti());
                bare.set(39, ActionCodes.onWire(dialect, resp.getMti(), Codes.FORMAT_ERROR));
                bare.set(44, reason(e));
                return dialect.pack(bare);
            } catch (RuntimeException again) {
                return null;
            }
        }
    }
}
