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
     * @param listener the name of the listener it came in on (selects the dialect)
     * @return completes with the packed response, or with null when nothing can be answered (the MTI
     *         itself is unreadable); never completes exceptionally because of what the message contains
     */
    CompletableFuture<byte[]> handle(byte[] message, String listener);
}
