package io.switchgate.policy;

import io.switchgate.model.MerchantStatus;
import io.switchgate.model.TerminalStatus;
import io.switchgate.model.TxnType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static io.switchgate.policy.RuleFixtures.*;

class MerchantRuleTest {

    @ParameterizedTest
    @EnumSource(TxnType.class)
    void unknownMerchantIs03(TxnType type) {
        assertDecline(MerchantRule.check(MERCHANT, terminal(TerminalStatus.ACTIVE), null, type), "03", "UNKNOWN_MERCHANT");
    }

    @ParameterizedTest
    @EnumSource(TxnType.class)
    void de42NamingAnotherMerchantIs03ForEveryType(TxnType type) {
        assertDecline(MerchantRule.check(OTHER_MERCHANT, terminal(TerminalStatus.ACTIVE), merchant(MerchantStatus.ACTIVE), type),
                "03", "MERCHANT_MISMATCH");
    }

    @ParameterizedTest
    @ValueSource(strings = {MERCHANT, MERCHANT + " ", " " + MERCHANT})
    void de42IsComparedTrimmed(String onWire) {
        assertPass(MerchantRule.check(onWire, terminal(TerminalStatus.ACTIVE), merchant(MerchantStatus.ACTIVE), TxnType.SALE));
    }

    @ParameterizedTest
    @EnumSource(TxnType.class)
    void absentDe42OrUnknownTerminalSkipsTheMismatchCheck(TxnType type) {
        assertPass(MerchantRule.check(null, terminal(TerminalStatus.ACTIVE), merchant(MerchantStatus.ACTIVE), type));
        assertPass(MerchantRule.check(OTHER_MERCHANT, null, merchant(MerchantStatus.ACTIVE), type));
    }

    @ParameterizedTest
    @EnumSource(TxnType.class)
    void mismatchWinsOverFrozen(TxnType type) {
        assertDecline(MerchantRule.check(OTHER_MERCHANT, terminal(TerminalStatus.ACTIVE), merchant(MerchantStatus.FROZEN), type),
                "03", "MERCHANT_MISMATCH");
    }

    private static final Set<TxnType> PASS_ALWAYS = Set.of(TxnType.REVERSAL, TxnType.SETTLEMENT, TxnType.ECHO, TxnType.SIGNON);

    static Stream<Arguments> statusByType() {
        List<Arguments> rows = new ArrayList<>();
        for (MerchantStatus s : MerchantStatus.values()) {
            for (TxnType t : TxnType.values()) {
                String reason = s == MerchantStatus.ACTIVE || PASS_ALWAYS.contains(t) ? null
                        : s == MerchantStatus.FROZEN ? "MERCHANT_FROZEN" : "MERCHANT_CLOSED";
                rows.add(Arguments.of(s, t, reason == null ? null : "03", reason));
            }
        }
        return rows.stream();
    }

    /** Frozen and closed: 03 for sale, balance, refund, void; reversals and settlement (and echo, sign-on) still pass. */
    @ParameterizedTest(name = "{0} x {1} -> {2} {3}")
    @MethodSource("statusByType")
    void statusByType(MerchantStatus status, TxnType type, String code, String reason) {
        assertOutcome(MerchantRule.check(MERCHANT, terminal(TerminalStatus.ACTIVE), merchant(status), type), code, reason);
    }

    @ParameterizedTest
    @CsvSource({"FROZEN, MERCHANT_FROZEN", "CLOSED, MERCHANT_CLOSED"})
    void saleOfFrozenOrClosedMerchant(MerchantStatus status, String reason) {
        assertDecline(MerchantRule.check(MERCHANT, terminal(TerminalStatus.ACTIVE), merchant(status), TxnType.SALE), "03", reason);
    }
}
