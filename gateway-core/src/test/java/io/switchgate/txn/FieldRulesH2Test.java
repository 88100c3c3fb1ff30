package io.switchgate.txn;

import java.util.UUID;

/** The same on embedded H2, through the JDBC store and the group-commit writer. */
class FieldRulesH2Test extends FieldRulesTest {
    @Override
    String storeUrl() {
        return "jdbc:h2:mem:fields" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    }
}
