package io.switchgate.route;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The line of text a queue row keeps beside its held reversal: every field back as it was, whatever it holds. */
class LostHostAnswerTest {

    @Test
    void everyFieldComesBackAsItWasMissingOnesIncluded() {
        LostHostAnswer l = new LostHostAnswer("010000000005", "acqA", "TERM0001", "MERCHANT0000001", "0200", "200000",
                "000555", "1207231500", 5_555, "156", "3f:9a", "621234******1232", "TERM0001|000555|1207231500",
                "000000|5555|3f:9a", "010000000001");
        assertEquals(l, LostHostAnswer.fromText(l.toText()));
        LostHostAnswer sparse = new LostHostAnswer("010000000006", "acqA", "TERM0001", null, "0200", "000000", "000556",
                null, 0, null, null, null, null, null, null);
        assertEquals(sparse, LostHostAnswer.fromText(sparse.toText()));
    }

    @Test
    void separatorsAndDigitsInsideAFieldAreItsOwn() {
        LostHostAnswer l = new LostHostAnswer("-", "12:ab", ":", "-:-", "", "3:x", "0", "9", -1, "1:", "-",
                "a-b", "::", "1:2:3", "");
        assertEquals(l, LostHostAnswer.fromText(l.toText()));
    }

    @Test
    void aLineThatIsNotOneIsRefusedNotGuessed() {
        String good = new LostHostAnswer("010000000005", "acqA", "TERM0001", "M", "0200", "000000", "000555", "1207231500",
                1, "156", null, null, null, null, null).toText();
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText(good.substring(0, good.length() - 2)));
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText(good + "-"));
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText(""));
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText("x:abc"));
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText("99:abc"));
        String noAmount = good.replace("1:1" + "3:156", "1:x3:156");
        assertNotEquals(good, noAmount);
        assertThrows(IllegalArgumentException.class, () -> LostHostAnswer.fromText(noAmount));
    }
}
