package io.switchgate.model;

import java.util.Locale;

/** Merchant status: only {@code active} merchants transact; {@code frozen} and {@code closed} get {@code 03}. */
public enum MerchantStatus {
    ACTIVE, FROZEN, CLOSED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MerchantStatus parse(String s) {
        if (s == null) return null;
        for (MerchantStatus m : values()) if (m.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return m;
        return null;
    }
}
