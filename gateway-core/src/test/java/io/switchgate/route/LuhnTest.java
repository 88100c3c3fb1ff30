package io.switchgate.route;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LuhnTest {

    /** Well-known test card numbers (scheme test PANs) and the demo card of the shipped config. */
    @ParameterizedTest
    @ValueSource(strings = {
            "6212345678901232",     // demo card (UnionPay range)
            "4111111111111111",     // Visa
            "4012888888881881",     // Visa
            "5555555555554444",     // Mastercard
            "5105105105105100",     // Mastercard
            "378282246310005",      // Amex, 15 digits
            "371449635398431",      // Amex
            "6011111111111117",     // Discover
            "3530111333300000",     // JCB
            "30569309025904",       // Diners, 14 digits
            "123456789015",         // 12 digits: shortest accepted
            "6212345678901234569",  // 19 digits: longest accepted
            "000000000000",
    })
    void validNumbers(String pan) {
        assertTrue(Luhn.valid(pan), pan);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "6212345678901233",     // check digit off by one
            "6212345678901231",
            "4111111111111112",
            "4111111111111121",     // two digits swapped
            "5555555555554440",
            "378282246310006",
            "123456789016",
            "6212345678901234560",
    })
    void wrongCheckDigit(String pan) {
        assertFalse(Luhn.valid(pan), pan);
    }

    @ParameterizedTest
    @CsvSource({
            "40000000006,           11 digits though the check digit is right",
            "62123456789012345676,  20 digits though the check digit is right",
            "0,                     one digit",
            "00000000000,           11 zeros",
            "000000000000000000000, 21 zeros",
    })
    void tooShortOrTooLong(String pan, String why) {
        assertFalse(Luhn.valid(pan), why);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "4111 1111 1111 1111",
            "4111-1111-1111-1111",
            "411111111111111A",
            "A111111111111111",
            "62123456789012=2",
            "621234567890123D",
            "６２１２３４５６７８９０１２３２",   // full-width digits
            "-4111111111111111",
            "4111111111111111 ",
    })
    void nonDigitsAreInvalid(String pan) {
        assertFalse(Luhn.valid(pan), pan);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void nullOrEmptyIsInvalid(String pan) {
        assertFalse(Luhn.valid(pan));
    }
}
