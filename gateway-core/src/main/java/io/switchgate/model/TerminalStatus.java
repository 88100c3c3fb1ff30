package io.switchgate.model;

import java.util.Locale;

/** Terminal lifecycle: registered -> active (first approved sale) -> suspended <-> active -> returned. */
public enum TerminalStatus {
    REGISTERED, ACTIVE, SUSPENDED, RETURNED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the config/API spelling ({@code active}); null if it is not one of ours. */
    public static TerminalStatus parse(String s) {
        if (s == null) return null;
        for (TerminalStatus t : values()) if (t.wireName().equals(s.trim().toLowerCase(Locale.ROOT))) return t;
        return null;
    }
}
