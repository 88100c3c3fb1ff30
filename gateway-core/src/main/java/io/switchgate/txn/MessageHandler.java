package io.switchgate.txn;

import java.util.concurrent.CompletableFuture;

/**
 * What a transport (the Netty listeners, a test, an embedding program) hands each received message to.
 * The transport strips framing (length prefix, TPDU) before and adds it after.
 */
public interface MessageHandler {

    /**
     * Handles one ISO 8583 message.
     *
     * @param message  the message bytes, from the first MTI byte; the handler may keep a reference
     * @param listener the name of the listener it came in on (selects the dialect); null for the first listener's
     * @return completes with the packed response, or with null when nothing can be answered (the MTI
     *         itself is unreadable); never completes exceptionally because of what the message contains
     * @throws IllegalArgumentException if listeners are configured and none has that name: the caller's mistake, not
     *         the message's (answering it in some other listener's dialect would be a guess)
     */
    CompletableFuture<byte[]> handle(byte[] message, String listener);
}
