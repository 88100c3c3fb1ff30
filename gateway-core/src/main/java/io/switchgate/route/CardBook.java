package io.switchgate.route;

import io.switchgate.model.CardAccount;

/** The embedded authorizer's view of card accounts; the engine owns them and journals what changes. */
public interface CardBook {
    CardAccount find(String panHash);

    void put(CardAccount updated);
}
