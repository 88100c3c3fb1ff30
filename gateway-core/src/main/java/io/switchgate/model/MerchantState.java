package io.switchgate.model;

import java.time.Instant;
import java.util.List;

/**
 * A merchant, its refund limits (amounts in minor units; 0 = no limit) and the currencies (DE 49) it accepts.
 *
 * @param currencies 3-digit ISO 4217 numeric codes; null or empty means the default, {@code ["156"]}
 */
public record MerchantState(
        String id,
        MerchantStatus status,
        int refundWindowDays,
        long maxSingleRefund,
        long dailyRefundLimit,
        List<String> currencies,
        Instant updatedAt,
        long version) implements java.io.Serializable {

    public static final List<String> DEFAULT_CURRENCIES = List.of("156");

    public MerchantState {
        // An ArrayList (never changed after this): the journal log's deserialization filter admits it, not List.of's form.
        currencies = new java.util.ArrayList<>(currencies == null || currencies.isEmpty() ? DEFAULT_CURRENCIES : currencies);
    }

    /** A merchant that accepts the default currency only. */
    public MerchantState(String id, MerchantStatus status, int refundWindowDays, long maxSingleRefund, long dailyRefundLimit,
                         Instant updatedAt, long version) {
        this(id, status, refundWindowDays, maxSingleRefund, dailyRefundLimit, DEFAULT_CURRENCIES, updatedAt, version);
    }

    public MerchantState withStatus(MerchantStatus s, Instant at) {
        return new MerchantState(id, s, refundWindowDays, maxSingleRefund, dailyRefundLimit, currencies, at, version + 1);
    }

    /** The currencies as stored in one column: comma-separated. */
    public String currenciesColumn() {
        return String.join(",", currencies);
    }

    /** Reads {@link #currenciesColumn()}; null (a row from before the column existed) is the default. */
    public static List<String> parseCurrencies(String column) {
        if (column == null || column.isBlank()) return DEFAULT_CURRENCIES;
        return List.of(column.trim().split("\\s*,\\s*"));
    }
}
