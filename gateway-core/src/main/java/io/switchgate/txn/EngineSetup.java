package io.switchgate.txn;

import io.switchgate.iso.Dialect;
import io.switchgate.route.Authorizer;
import io.switchgate.route.Router;
import io.switchgate.security.SecurityModule;
import io.switchgate.store.CommitWriter;
import io.switchgate.store.TransactionStore;

import java.time.Clock;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * What an {@link Engine} is built from.
 *
 * @param dialectsByListener the dialect of each listener, by listener name
 * @param defaultDialect     for messages handed in without a (known) listener name
 * @param hostAuthorizers    upstream hosts, by their names (the embedded authorizer is always there)
 * @param zone               whose calendar days the daily refund limit counts
 * @param sharedByNodes      several gateway nodes share the store (duplicates are also looked up there)
 * @param projection         how far the store's tables follow the journal, when they are its projection (the file
 *                           journal commits first, the tables later); null when commits go to the tables themselves
 */
public record EngineSetup(
        String nodeId,
        Map<String, Dialect> dialectsByListener,
        Dialect defaultDialect,
        TransactionStore store,
        CommitWriter writer,
        SecurityModule security,
        PanHasher panHasher,
        Router router,
        List<Authorizer> hostAuthorizers,
        Clock clock,
        ZoneId zone,
        boolean sharedByNodes,
        ProjectionProgress projection) {

    /** As above, committing into the store's tables (no projection). */
    public EngineSetup(String nodeId, Map<String, Dialect> dialectsByListener, Dialect defaultDialect, TransactionStore store,
                       CommitWriter writer, SecurityModule security, PanHasher panHasher, Router router,
                       List<Authorizer> hostAuthorizers, Clock clock, ZoneId zone, boolean sharedByNodes) {
        this(nodeId, dialectsByListener, defaultDialect, store, writer, security, panHasher, router, hostAuthorizers,
                clock, zone, sharedByNodes, null);
    }
}
