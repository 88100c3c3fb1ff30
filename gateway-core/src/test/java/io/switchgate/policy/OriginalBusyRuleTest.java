package io.switchgate.policy;

import io.switchgate.model.TxnType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;
import java.util.List;

import static io.switchgate.policy.RuleFixtures.assertDecline;
import static io.switchgate.policy.RuleFixtures.assertPass;

class OriginalBusyRuleTest {

    private static List<TxnType> types(String spec) {
        return spec.isEmpty() ? List.of() : Arrays.stream(spec.split(" ")).map(TxnType::valueOf).toList();
    }

    @ParameterizedTest(name = "{0} while [{1}] at the host: {2}")
    @CsvSource({
            "REFUND, '',              pass",
            "VOID,   '',              pass",
            "REFUND, REFUND,          pass",
            "REFUND, REFUND REFUND,   pass",
            "REFUND, VOID,            busy",
            "REFUND, REVERSAL,        busy",
            "REFUND, REFUND REVERSAL, busy",
            "VOID,   REFUND,          busy",
            "VOID,   VOID,            busy",
            "VOID,   REVERSAL,        busy",
    })
    void refundsMayOverlapEachOtherNothingElseMay(TxnType request, String inFlight, String expected) {
        Decline d = OriginalBusyRule.check(request, types(inFlight));
        if (expected.equals("pass")) assertPass(d);
        else assertDecline(d, "12", "ORIGINAL_BUSY");
    }
}
