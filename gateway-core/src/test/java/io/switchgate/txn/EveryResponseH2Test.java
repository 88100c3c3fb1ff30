package io.switchgate.txn;

import java.util.UUID;

/** The same on embedded H2, through the JDBC store and the group-commit writer. */
class EveryResponseH2Test extends EveryResponseTest {
    @Override
    String storeUrl() {
        return "jdbc:h2:mem:every" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }
}
