package io.switchgate.config;

/**
 * The gateway's tuning knobs that are system properties ({@code -Dgateway...}: measurement and operator tuning, not
 * configuration keys). Read where they are used; a value that is not a whole number in its range stops the start with
 * one line naming the property, rather than being coerced or ignored.
 */
public final class Tuning {
    private Tuning() {
    }

    /**
     * The property's value: {@code dflt} when it is unset or blank, else a whole number within [min, max].
     *
     * @throws InvalidConfigException naming {@code -D<property>} if the value is anything else
     */
    public static long wholeNumber(String property, long dflt, long min, long max) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) return dflt;
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidConfigException("-D" + property, "'" + v + "' is not a whole number from " + min + " to " + max);
    }

    /** As {@link #wholeNumber}, for a value that fits an int. */
    public static int wholeInt(String property, int dflt, int min, int max) {
        return (int) wholeNumber(property, dflt, min, max);
    }
}
