package io.switchgate.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The one-line converters give what the %replace patterns they replaced gave, line for line. */
class OneLineConvertersTest {
    @Test
    void aMessageWithoutBreaksIsReturnedAsItIs() {
        String s = "txn terminal=T1 stan=000001 code=00";
        assertSame(s, OneLineMessageConverter.oneLine(s, " ", false));
        assertEquals("a b c", OneLineMessageConverter.oneLine("a\r\n\nb\rc", " ", false));
        assertEquals("a\tb", OneLineMessageConverter.oneLine("a\tb", " ", false));
        assertEquals("a | b | ", OneLineMessageConverter.oneLine("a\n\tb\t", " | ", true));
        assertNull(OneLineMessageConverter.oneLine(null, " ", false));
    }

    /** A terminal's DE 41 with NUL, ESC or C1 bytes (an outside audit saw them in the log as they came). */
    @Test
    void controlCharactersAreQuestionMarksAndOtherLineBreaksSpaces() {
        assertEquals("terminal=T?? x", OneLineMessageConverter.oneLine("terminal=T\u0000\u001b x", " ", false));
        assertEquals("a?b", OneLineMessageConverter.oneLine("a\u0090b", " ", false));
        assertEquals("a?b", OneLineMessageConverter.oneLine("a\u007fb", " ", false));
        assertEquals("a b c d", OneLineMessageConverter.oneLine("a\u0085b\u2028c\u2029d", " ", false));
        assertEquals("T\u00c9\u00e9", OneLineMessageConverter.oneLine("T\u00c9\u00e9", " ", false), "letters stay");
    }

    @Test
    void sameLinesAsTheRegularExpressionPatterns() {
        LoggerContext ctx = new LoggerContext();
        PatternLayout now = layout(ctx, "%level %oneLineMsg%oneLineEx{short}%nopex");
        PatternLayout before = layout(ctx, "%level %replace(%msg){'[\\r\\n]+', ' '}%replace( %ex{short}){'[\\r\\n\\t]+', ' | '}%nopex");
        Exception nested = new IllegalStateException("outer\nsecond line", new java.io.IOException("inner"));
        for (String msg : List.of("plain", "", "forged\r\nINFO line", "\n\nlead", "trail\n", "tab\tkept")) {
            for (Throwable t : new Throwable[] {null, new RuntimeException("boom"), nested}) {
                LoggingEvent e = new LoggingEvent("x", ctx.getLogger("t"), Level.WARN, msg, t, null);
                String got = now.doLayout(e);
                String was = before.doLayout(e);
                // the old pattern left the space of " %ex" at the end of every line without an exception; not kept
                assertEquals(t == null ? was.substring(0, was.length() - 1) : was, got, "message " + msg + ", exception " + t);
                assertFalse(got.contains("\n") || got.contains("\r"), got);
            }
        }
    }

    private static PatternLayout layout(LoggerContext ctx, String pattern) {
        PatternLayout l = new PatternLayout();
        l.setContext(ctx);
        l.getInstanceConverterMap().put("oneLineMsg", OneLineMessageConverter::new);
        l.getInstanceConverterMap().put("oneLineEx", OneLineThrowableConverter::new);
        l.setPattern(pattern);
        l.start();
        return l;
    }
}
