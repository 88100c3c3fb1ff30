package io.switchgate.txn;

import io.switchgate.model.TerminalState;

import java.util.function.Function;

/**
 * The second half of a request's admission (issue 14), after {@link Admission}: what its terminal says about it. On
 * the event loop that read the frame, so that the engine thread spends no time on keys and card data: the request's
 * keys resolved (the terminal's TAK and TPK, or DUKPT keys derived from the KSN in DE 62), its MAC verified, its card
 * read, its PAN hashed, and its duplicate key and fingerprint built.
 *
 * <p>The terminal is the one the engine thread last put in its working set ({@link EngineState#publishedTerminal}),
 * and that thread may replace it at any time (a sign-on's new keys, a key reset, a status change, a reload). So the
 * keys and MAC found are kept with the terminal they were found for ({@link Request#securityCheckedFor}), and the
 * engine takes them only if the terminal it decides with is that very object (a terminal's state is immutable: every
 * change is a new one); otherwise it checks again itself. The card and its hash depend on the request alone. Either
 * way the outcome is the one the engine thread alone would reach.
 */
final class TerminalAdmission {
    private final Function<String, TerminalState> publishedTerminal;
    private final TerminalKeys keys;
    private final PanHasher panHasher;

    TerminalAdmission(Function<String, TerminalState> publishedTerminal, TerminalKeys keys, PanHasher panHasher) {
        this.publishedTerminal = publishedTerminal;
        this.keys = keys;
        this.panHasher = panHasher;
    }

    /** After {@link Admission#check} found {@code r} a request: what its terminal and card say, kept on {@code r}. */
    void check(Request r) {
        if (r.type == null) return; // no kind: its answer (12 or 30) is the engine's, rare enough to check there
        checkKeys(r);
        // The card and its hash depend on the request alone, but cost an HMAC: only for a request that passed its MAC
        // here, so that frames from unknown terminals or with wrong MACs cost the event loop no more than before.
        boolean passed = r.securityCheckedFor != null && r.keysResolved && r.macValid;
        if (passed && r.namesCard()) {
            if (r.readCard() != null && r.panHash == null) r.panHash = panHasher.hash(r.card.pan());
            // Its duplicate key and fingerprint too (DE 41 trimmed is the terminal's id, whatever its state).
            String id = r.terminalId();
            if (r.card != null && id != null) {
                r.admittedDupKey = DuplicateIndex.keyOf(id, r.msg.getMti(), r.stan(), r.msg.getString(7));
                r.admittedFingerprint = DuplicateIndex.fingerprintOf(r.msg, r.panHash);
            }
        }
    }

    private void checkKeys(Request r) {
        String id = r.terminalId();
        TerminalState t = id == null ? null : publishedTerminal.apply(id);
        if (t == null) return; // unknown here (or not loaded yet): the engine thread looks it up and answers
        try {
            r.terminal = t; // what the key step reads; the engine sets its own before it decides
            boolean resolved = keys.resolve(r);
            r.macValid = resolved && r.formatDecline == null && keys.macValid(r);
            r.keysResolved = resolved;
            r.securityCheckedFor = t;
        } catch (RuntimeException e) {
            // A stored key that does not import, say: the engine thread meets it again, and answers it as it always has.
            r.macKey = null;
            r.responseMacKey = null;
            r.pinKey = null;
            r.securityCheckedFor = null;
        } finally {
            r.terminal = null;
        }
    }
}
