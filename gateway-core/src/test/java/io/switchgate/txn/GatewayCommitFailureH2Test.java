package io.switchgate.txn;

import java.util.UUID;

/** The same commit failures on embedded H2, through the JDBC store. */
class GatewayCommitFailureH2Test extends GatewayCommitFailureTest {
    @Override
    String storeUrl() {
        return "jdbc:h2:mem:commitfail" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }
}
