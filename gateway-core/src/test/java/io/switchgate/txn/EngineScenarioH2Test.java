package io.switchgate.txn;

import java.util.UUID;

/** The same scenarios on embedded H2, through the JDBC store and the group-commit writer. */
class EngineScenarioH2Test extends EngineScenarioTest {
    @Override
    String storeUrl() {
        return "jdbc:h2:mem:engine" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }
}
