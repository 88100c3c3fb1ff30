package io.switchgate.txn;

import io.switchgate.config.GatewayConfig;
import io.switchgate.security.SoftwareSecurityModule;
import io.switchgate.store.ChangeSet;
import io.switchgate.store.ForwardingStore;
import io.switchgate.store.InMemoryTransactionStore;
import io.switchgate.store.TransactionStore;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Two nodes sharing one store seed the same configuration at the same moment (a rolling deploy that adds a terminal
 * starts them together): the one whose inserts lose reads the rows again and starts. A black-box audit on two
 * PostgreSQL nodes: one exited 1, {@code terminals TERMN606: already exists}, 3 times in 4.
 */
class ConfigSeederRaceTest {

    @Test
    void aSeedingThatLosesToAnotherNodesReadsTheRowsAgainAndSucceeds() {
        GatewayConfig config = EngineFixture.config("memory:");
        SoftwareSecurityModule security = SoftwareSecurityModule.fromHex(config.security().masterKey());
        PanHasher hasher = new PanHasher(config.security().masterKey().getBytes(StandardCharsets.US_ASCII));
        InMemoryTransactionStore shared = new InMemoryTransactionStore();
        shared.migrate();
        Instant now = Instant.parse("2026-12-07T10:00:00Z");
        int[] applies = {0};
        TransactionStore thisNode = new ForwardingStore(shared) {
            @Override
            public List<RuntimeException> apply(List<ChangeSet> group) {
                // the other node's seeding lands between this node's reads and its write
                if (applies[0]++ == 0) new ConfigSeeder(shared, security, hasher).seed(config, now);
                return inner.apply(group);
            }
        };
        // the losing pass is made again from the rows the other node wrote: they are as configured, nothing to write
        assertDoesNotThrow(() -> new ConfigSeeder(thisNode, security, hasher).seed(config, now));
        assertEquals(1, applies[0], "the losing write was tried once");
        for (GatewayConfig.Terminal t : config.terminals()) {
            assertEquals(1, shared.findTerminal(t.id()).orElseThrow().version(), t.id() + " written once");
        }
    }
}
